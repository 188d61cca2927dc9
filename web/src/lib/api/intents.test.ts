import { describe, expect, it } from "vitest";
import { commandTarget, Intents } from "./intents";

const STAGE = "POST http://casework/cases/c1/stage";

function counting(): Intents {
  let n = 0;
  return new Intents(() => `key-${++n}`);
}

describe("one Idempotency-Key per intent", () => {
  it("reuses the key when the same command is retried after no answer", () => {
    const intents = counting();
    const first = intents.keyFor(STAGE);
    expect(intents.keyFor(STAGE)).toBe(first);
  });

  it("reuses the key after an answer that may change later (503, 429, 408, 500)", () => {
    const intents = counting();
    const key = intents.keyFor(STAGE);
    for (const status of [503, 429, 408, 500]) {
      intents.answered(STAGE, key, status);
      expect(intents.keyFor(STAGE)).toBe(key);
    }
  });

  it("gives a new intent a new key once the service answered the last one", () => {
    const intents = counting();
    const key = intents.keyFor(STAGE);
    intents.answered(STAGE, key, 201);
    expect(intents.keyFor(STAGE)).not.toBe(key);
  });

  it("gives a new key after a refusal, the reused-key refusal included", () => {
    const intents = counting();
    for (const status of [409, 422, 403, 404]) {
      const key = intents.keyFor(STAGE);
      intents.answered(STAGE, key, status);
      expect(intents.keyFor(STAGE)).not.toBe(key);
    }
  });

  it("keeps apart the intents of two resources", () => {
    const intents = counting();
    expect(intents.keyFor(STAGE)).not.toBe(intents.keyFor("POST http://casework/cases/c2/stage"));
  });

  it("does not close the open intent on a late answer to an older key", () => {
    const intents = counting();
    const old = intents.keyFor(STAGE);
    intents.answered(STAGE, old, 201);
    const open = intents.keyFor(STAGE);
    intents.answered(STAGE, old, 201);
    expect(intents.keyFor(STAGE)).toBe(open);
  });

  it("keeps a key the caller set itself (the sync queue's) and leaves reads unkeyed", () => {
    const intents = counting();
    const queued = new Headers({ "Idempotency-Key": "queued-1" });
    intents.stamp("POST", "http://intake/victims", queued);
    expect(queued.get("Idempotency-Key")).toBe("queued-1");
    const read = new Headers();
    intents.stamp("GET", "http://casework/cases", read);
    expect(read.has("Idempotency-Key")).toBe(false);
  });

  it("names commands by method and URL, and reads as none", () => {
    expect(commandTarget("post", "http://casework/cases/c1/stage")).toBe(STAGE);
    expect(["POST", "PUT", "PATCH", "DELETE"].map((m) => commandTarget(m, "u"))).not.toContain(null);
    expect(["GET", "HEAD", "OPTIONS"].map((m) => commandTarget(m, "u"))).toEqual([null, null, null]);
  });
});
