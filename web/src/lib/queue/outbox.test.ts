import { beforeEach, describe, expect, it } from "vitest";
import { createDataKey } from "./crypto";
import { DB_NAME, dbAll, dbDestroy } from "./db";
import { Outbox } from "./outbox";
import { createVault, hasVault, unlockVault } from "./vault";

const NAME = "Mariam Traoré-Canari";
const PHONE = "+223 70 11 22 33";

async function newOutbox(): Promise<Outbox> {
  return new Outbox((await createDataKey("phrase secrète de test", 1000)).key);
}

describe("the device queue at rest", () => {
  beforeEach(async () => {
    await dbDestroy();
  });

  it("stores no plaintext of a victim in IndexedDB", async () => {
    const outbox = await newOutbox();
    const photo = new TextEncoder().encode(`photo of ${NAME}`);
    await outbox.add({ kind: "victim", payload: { identity: { name: NAME, phone: PHONE } } });
    await outbox.add({ kind: "evidence", payload: {},
      file: { bytes: photo.buffer, sha256: "00", mediaType: "image/jpeg", name: "visage.jpg" } });
    await outbox.saveDraft("victim", { identity: { name: NAME, phone: PHONE } });
    const raw = [...(await dbAll("items")), ...(await dbAll("files")), ...(await dbAll("meta")),
      ...(await dbAll("drafts"))];
    const text = raw.map((r) => JSON.stringify(r, (_k, v: unknown) =>
      v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? new TextDecoder().decode(v as ArrayBuffer) : v)).join("\n");
    expect(text.length).toBeGreaterThan(100);
    for (const secret of [NAME, PHONE, "Canari", "visage", "photo of"]) expect(text).not.toContain(secret);
  });

  it("gives a draft back as it was typed, and forgets it when asked", async () => {
    const outbox = await newOutbox();
    await outbox.saveDraft("victim", { identity: { name: NAME } });
    expect(await outbox.loadDraft("victim")).toEqual({ identity: { name: NAME } });
    await outbox.dropDraft("victim");
    expect(await outbox.loadDraft("victim")).toBeUndefined();
  });

  it("leaves nothing readable after an erase, even while another tab holds the database open", async () => {
    const outbox = await newOutbox();
    await outbox.add({ kind: "victim", payload: { identity: { name: NAME } } });
    const other = await new Promise<IDBDatabase>((resolve) => {
      const req = indexedDB.open(DB_NAME);
      req.onsuccess = () => resolve(req.result);
    });
    other.onversionchange = null; // a tab that does not let go
    await dbDestroy();
    const left = await new Promise<unknown[]>((resolve) => {
      const req = other.transaction("items").objectStore("items").getAll();
      req.onsuccess = () => resolve(req.result);
    });
    other.close();
    expect(left).toEqual([]);
  });

  it("gives back the items in the order they were captured", async () => {
    const outbox = await newOutbox();
    const first = await outbox.add({ kind: "victim", payload: { n: 1 } });
    const second = await outbox.add({ kind: "incident", payload: { n: 2 } });
    expect((await outbox.list()).map((i) => i.id)).toEqual([first.id, second.id]);
    expect(first.idempotencyKey).not.toBe(second.idempotencyKey);
  });

  it("gives a corrected item a new Idempotency-Key and clears its problem", async () => {
    const outbox = await newOutbox();
    const queued = await outbox.add({ kind: "victim", payload: { identity: { phone: "12" } } });
    const held = { ...queued, state: "held" as const, problem: { status: 422, errors: [] } };
    await outbox.save(held);
    const corrected = await outbox.correct(held, { identity: { phone: PHONE } });
    expect(corrected.idempotencyKey).not.toBe(queued.idempotencyKey);
    expect((await outbox.list())[0]).toMatchObject({ state: "pending", payload: { identity: { phone: PHONE } } });
    expect((await outbox.list())[0]?.problem).toBeUndefined();
  });

  it("keeps a synced item while an unsynced one still refers to it", async () => {
    const outbox = await newOutbox();
    const victim = await outbox.add({ kind: "victim", payload: {} });
    await outbox.add({ kind: "referral", payload: { victim_id: `@local:${victim.id}` } });
    await outbox.save({ ...victim, state: "done", serverId: "v-1" });
    expect(await outbox.purgeDone()).toBe(0);
  });

  it("opens the queue after a restart only with the passphrase", async () => {
    expect(await hasVault()).toBe(false);
    const key = await createVault("phrase secrète de test");
    const item = await new Outbox(key).add({ kind: "victim", payload: { identity: { name: NAME } } });
    const reopened = new Outbox(await unlockVault("phrase secrète de test"));
    expect((await reopened.list())[0]?.id).toBe(item.id);
    await expect(unlockVault("mauvaise phrase")).rejects.toThrow();
  });
});
