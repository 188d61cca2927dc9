// One synchronisation pass: items go in order; an item waits for the service ids of the items it
// refers to; a refused item (4xx) is held for correction with the problem, and so are the items that
// depend on it; a transient failure (network, timeout, 429, 5xx) ends the pass and is retried later
// with the same Idempotency-Key, so the service answers its first result instead of storing it twice.
import { backoffMs, dependenciesOf, resolvePayload, type Problem, type QueueItem } from "./model";

export type SendResult =
  | { outcome: "stored"; serverId: string; sha256?: string }
  | { outcome: "refused"; problem: Problem }
  | { outcome: "retry"; retryAfterMs?: number; signIn?: boolean };

export type Sender = (item: QueueItem, payload: Record<string, unknown>) => Promise<SendResult>;

export interface QueueStore {
  list(): Promise<QueueItem[]>;
  save(item: QueueItem): Promise<void>;
  dropFile(id: string): Promise<void>;
}

export interface PassReport {
  stored: number;
  refused: number;
  /** When the pass stopped on a transient failure: when to try again. */
  retryAt?: number;
  signIn?: boolean;
}

export async function syncPass(store: QueueStore, send: Sender, now: () => number = Date.now): Promise<PassReport> {
  const report: PassReport = { stored: 0, refused: 0 };
  const items = await store.list();
  const serverIds = new Map(items.filter((i) => i.serverId).map((i) => [i.id, i.serverId as string]));
  const stuck = new Set<string>();
  for (const item of items) {
    if (item.state === "done") continue;
    if (item.state === "held" || dependenciesOf(item.payload).some((d) => stuck.has(d))) {
      stuck.add(item.id);
      continue;
    }
    if (item.nextAt > now()) return { ...report, retryAt: item.nextAt };
    const payload = resolvePayload(item.payload, serverIds);
    if (payload === null) {
      stuck.add(item.id);
      continue;
    }
    await store.save({ ...item, state: "sending", attempts: item.attempts + 1 });
    const result = await send(item, payload);
    if (result.outcome === "stored") {
      const done: QueueItem = { ...item, state: "done", attempts: item.attempts + 1, serverId: result.serverId };
      if (result.sha256) done.serverSha256 = result.sha256;
      delete done.problem;
      await store.save(done);
      await store.dropFile(item.id);
      serverIds.set(item.id, result.serverId);
      report.stored += 1;
    } else if (result.outcome === "refused") {
      await store.save({ ...item, state: "held", attempts: item.attempts + 1, problem: result.problem });
      stuck.add(item.id);
      report.refused += 1;
    } else if (result.signIn) {
      // Not the item's fault: it keeps its turn and its key until someone signs in again.
      await store.save({ ...item, state: "pending" });
      return { ...report, signIn: true };
    } else {
      const attempts = item.attempts + 1;
      const nextAt = now() + backoffMs(attempts, result.retryAfterMs);
      await store.save({ ...item, state: "waiting", attempts, nextAt });
      return { ...report, retryAt: nextAt };
    }
  }
  return report;
}
