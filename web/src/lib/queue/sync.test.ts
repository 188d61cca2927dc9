import { describe, expect, it } from "vitest";
import { localRef, type QueueItem } from "./model";
import { syncPass, type SendResult, type Sender } from "./sync";

function item(seq: number, kind: QueueItem["kind"], payload: Record<string, unknown> = {}): QueueItem {
  return { id: `i${seq}`, seq, kind, payload, idempotencyKey: `key-${seq}`, state: "pending", attempts: 0, nextAt: 0,
    createdAt: 0 };
}

class MemoryQueue {
  items = new Map<string, QueueItem>();
  dropped: string[] = [];
  constructor(items: QueueItem[]) {
    for (const i of items) this.items.set(i.id, i);
  }
  async list() {
    return [...this.items.values()].sort((a, b) => a.seq - b.seq);
  }
  async save(i: QueueItem) {
    this.items.set(i.id, structuredClone(i));
  }
  async dropFile(id: string) {
    this.dropped.push(id);
  }
  get(id: string): QueueItem {
    return this.items.get(id) as QueueItem;
  }
}

/** A sender that answers from a script and records what was sent. */
function scripted(answers: Record<string, SendResult[]>) {
  const sent: { id: string; key: string; payload: Record<string, unknown> }[] = [];
  const send: Sender = async (i, payload) => {
    sent.push({ id: i.id, key: i.idempotencyKey, payload });
    return answers[i.id]?.shift() ?? { outcome: "stored", serverId: `srv-${i.id}` };
  };
  return { send, sent };
}

describe("sync pass", () => {
  it("sends in order and gives later items the ids the service returned for earlier ones", async () => {
    const queue = new MemoryQueue([
      item(1, "victim"),
      item(2, "incident", { acts: [{ violation_type: "torture", victim_ids: [localRef("i1")] }] }),
      item(3, "evidence", { incident_id: localRef("i2") }),
    ]);
    const { send, sent } = scripted({});
    const report = await syncPass(queue, send);
    expect(sent.map((s) => s.id)).toEqual(["i1", "i2", "i3"]);
    expect(sent[1]?.payload).toEqual({ acts: [{ violation_type: "torture", victim_ids: ["srv-i1"] }] });
    expect(sent[2]?.payload).toEqual({ incident_id: "srv-i2" });
    expect(report.stored).toBe(3);
    expect(queue.get("i3").state).toBe("done");
  });

  it("retries a timed-out item with the same Idempotency-Key and stops the pass to keep the order", async () => {
    const queue = new MemoryQueue([item(1, "victim"), item(2, "incident")]);
    const { send, sent } = scripted({ i1: [{ outcome: "retry" }] });
    let now = 1_000;
    const first = await syncPass(queue, send, () => now);
    expect(sent.map((s) => s.id)).toEqual(["i1"]);
    expect(queue.get("i1").state).toBe("waiting");
    expect(first.retryAt).toBeGreaterThan(now);
    now = first.retryAt as number;
    await syncPass(queue, send, () => now);
    expect(sent.map((s) => [s.id, s.key])).toEqual([["i1", "key-1"], ["i1", "key-1"], ["i2", "key-2"]]);
  });

  it("waits as long as the service's Retry-After says", async () => {
    const queue = new MemoryQueue([item(1, "victim")]);
    const { send } = scripted({ i1: [{ outcome: "retry", retryAfterMs: 120_000 }] });
    const report = await syncPass(queue, send, () => 5_000);
    expect(report.retryAt).toBe(125_000);
    const early = await syncPass(queue, send, () => 60_000);
    expect(early.stored).toBe(0);
  });

  it("holds a refused item with its problem and holds what depends on it, but sends the rest", async () => {
    const queue = new MemoryQueue([
      item(1, "victim"),
      item(2, "referral", { victim_id: localRef("i1") }),
      item(3, "incident"),
    ]);
    const problem = { status: 422, errors: [{ field: "body.identity.phone", reason: "format" }] };
    const { send, sent } = scripted({ i1: [{ outcome: "refused", problem }] });
    const report = await syncPass(queue, send);
    expect(sent.map((s) => s.id)).toEqual(["i1", "i3"]);
    expect(queue.get("i1")).toMatchObject({ state: "held", problem });
    expect(queue.get("i2").state).toBe("pending");
    expect(report).toMatchObject({ stored: 1, refused: 1 });
  });

  it("re-sends an item left 'sending' by a closed tab with its first key", async () => {
    const queue = new MemoryQueue([{ ...item(1, "victim"), state: "sending", attempts: 1 }]);
    const { send, sent } = scripted({});
    await syncPass(queue, send);
    expect(sent).toEqual([{ id: "i1", key: "key-1", payload: {} }]);
    expect(queue.get("i1").state).toBe("done");
  });

  it("never sends a synced item again", async () => {
    const queue = new MemoryQueue([{ ...item(1, "victim"), state: "done", serverId: "srv-i1" }, item(2, "incident")]);
    const { send, sent } = scripted({});
    await syncPass(queue, send);
    expect(sent.map((s) => s.id)).toEqual(["i2"]);
  });

  it("keeps an item's turn when the session expired", async () => {
    const queue = new MemoryQueue([item(1, "victim"), item(2, "incident")]);
    const { send, sent } = scripted({ i1: [{ outcome: "retry", signIn: true }] });
    const report = await syncPass(queue, send);
    expect(report.signIn).toBe(true);
    expect(sent.map((s) => s.id)).toEqual(["i1"]);
    expect(queue.get("i1")).toMatchObject({ state: "pending", nextAt: 0 });
  });

  it("records the service's hash of an uploaded file and drops the device's copy", async () => {
    const queue = new MemoryQueue([{ ...item(1, "evidence"), deviceSha256: "ab" }]);
    const { send } = scripted({ i1: [{ outcome: "stored", serverId: "ev-1", sha256: "ab" }] });
    await syncPass(queue, send);
    expect(queue.get("i1")).toMatchObject({ state: "done", serverSha256: "ab", deviceSha256: "ab" });
    expect(queue.dropped).toEqual(["i1"]);
  });
});
