import { describe, expect, it } from "vitest";
import { sha256Hex } from "./queries";

describe("the browser's SHA-256 of a downloaded file", () => {
  it("matches the standard's test vector", async () => {
    const bytes = new TextEncoder().encode("abc");
    expect(await sha256Hex(bytes.buffer as ArrayBuffer)).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("differs when one byte of the file differs", async () => {
    const a = await sha256Hex(new TextEncoder().encode("indicators;1").buffer as ArrayBuffer);
    const b = await sha256Hex(new TextEncoder().encode("indicators;2").buffer as ArrayBuffer);
    expect(a).not.toBe(b);
  });
});
