// The on-device queue: every item sealed with the in-memory data key; only its id and order are clear.
import { openJson, openBytes, sealBytes, sealJson, type Sealed } from "./crypto";
import { dbAll, dbDelete, dbGet, dbPut } from "./db";
import { dependenciesOf, type ItemKind, type QueueItem } from "./model";

interface StoredItem {
  id: string;
  seq: number;
  sealed: Sealed;
}

export interface NewItem {
  kind: ItemKind;
  payload: Record<string, unknown>;
  file?: { bytes: ArrayBuffer; sha256: string; mediaType: string; name: string };
}

export class Outbox {
  constructor(private readonly key: CryptoKey) {}

  async add(item: NewItem): Promise<QueueItem> {
    const seq = ((await dbGet<number>("meta", "seq")) ?? 0) + 1;
    await dbPut("meta", "seq", seq);
    const queued: QueueItem = {
      id: crypto.randomUUID(), seq, kind: item.kind, payload: item.payload, idempotencyKey: crypto.randomUUID(),
      state: "pending", attempts: 0, nextAt: 0, createdAt: Date.now(),
    };
    if (item.file) {
      Object.assign(queued, { deviceSha256: item.file.sha256, mediaType: item.file.mediaType, fileName: item.file.name });
      await dbPut("files", queued.id, await sealBytes(this.key, item.file.bytes, `file:${queued.id}`));
    }
    await this.save(queued);
    return queued;
  }

  async save(item: QueueItem): Promise<void> {
    const stored: StoredItem = { id: item.id, seq: item.seq, sealed: await sealJson(this.key, item, `item:${item.id}`) };
    await dbPut("items", item.id, stored);
  }

  /** Every item, oldest first. */
  async list(): Promise<QueueItem[]> {
    const stored = await dbAll<StoredItem>("items");
    stored.sort((a, b) => a.seq - b.seq);
    return Promise.all(stored.map((s) => openJson<QueueItem>(this.key, s.sealed, `item:${s.id}`)));
  }

  async file(id: string): Promise<ArrayBuffer | undefined> {
    const sealed = await dbGet<Sealed>("files", id);
    return sealed ? openBytes(this.key, sealed, `file:${id}`) : undefined;
  }

  async dropFile(id: string): Promise<void> {
    await dbDelete("files", id);
  }

  /** A corrected payload: a new Idempotency-Key, because the refused body was never stored by the service. */
  async correct(item: QueueItem, payload: Record<string, unknown>): Promise<QueueItem> {
    const corrected: QueueItem = { ...item, payload, idempotencyKey: crypto.randomUUID(), state: "pending",
      attempts: 0, nextAt: 0 };
    delete corrected.problem;
    await this.save(corrected);
    return corrected;
  }

  /** Removes synced items no unsynced item still depends on. */
  async purgeDone(): Promise<number> {
    const items = await this.list();
    const needed = new Set(items.filter((i) => i.state !== "done").flatMap((i) => dependenciesOf(i.payload)));
    const removable = items.filter((i) => i.state === "done" && !needed.has(i.id));
    for (const item of removable) {
      await dbDelete("items", item.id);
      await dbDelete("files", item.id);
    }
    return removable.length;
  }

  /** A form being filled in, sealed like the items, so a closed tab or a flat battery loses nothing. */
  async saveDraft(name: string, value: unknown): Promise<void> {
    await dbPut("drafts", name, await sealJson(this.key, value, `draft:${name}`));
  }

  async loadDraft<T>(name: string): Promise<T | undefined> {
    const sealed = await dbGet<Sealed>("drafts", name);
    return sealed ? openJson<T>(this.key, sealed, `draft:${name}`) : undefined;
  }

  async dropDraft(name: string): Promise<void> {
    await dbDelete("drafts", name);
  }

  async discard(id: string): Promise<void> {
    await dbDelete("items", id);
    await dbDelete("files", id);
  }
}
