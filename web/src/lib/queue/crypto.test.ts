import { describe, expect, it } from "vitest";
import { createDataKey, openJson, sealJson, sha256Hex, unwrapDataKey, WrongPassphrase } from "./crypto";

const FAST = 1000; // iterations for tests; the app uses PBKDF2_ITERATIONS

describe("device encryption", () => {
  it("opens what it sealed with the key unwrapped by the passphrase", async () => {
    const { key, wrapped } = await createDataKey("une phrase secrète", FAST);
    const sealed = await sealJson(key, { name: "Aminata" }, "item:1");
    const again = await unwrapDataKey("une phrase secrète", wrapped);
    expect(await openJson(again, sealed, "item:1")).toEqual({ name: "Aminata" });
  });

  it("refuses a wrong passphrase", async () => {
    const { wrapped } = await createDataKey("une phrase secrète", FAST);
    await expect(unwrapDataKey("une autre phrase", wrapped)).rejects.toBeInstanceOf(WrongPassphrase);
  });

  it("keeps the data key unexportable in memory", async () => {
    const { key } = await createDataKey("une phrase secrète", FAST);
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey("raw", key)).rejects.toThrow();
  });

  it("refuses a sealed record moved to another record", async () => {
    const { key } = await createDataKey("une phrase secrète", FAST);
    const sealed = await sealJson(key, { name: "Aminata" }, "item:1");
    await expect(openJson(key, sealed, "item:2")).rejects.toThrow();
  });

  it("hashes a file as the service does (SHA-256, hex)", async () => {
    const bytes = new TextEncoder().encode("abc");
    expect(await sha256Hex(bytes.buffer)).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
