// What a queued submission is, independent of storage and network.

export type ItemKind = "victim" | "incident" | "evidence" | "referral";

/** pending: waits its turn; sending: a request was started (re-sent with the same key after a crash);
 * waiting: a transient failure, retried at nextAt; held: the service refused it (4xx), to correct;
 * done: the service stored it and answered its id. */
export type ItemState = "pending" | "sending" | "waiting" | "held" | "done";

export interface FieldProblem {
  field: string;
  reason: string;
  /** The service's machine code of the reason, when it gives one ("idempotency_key_reused"). */
  code?: string;
}

export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  errors: FieldProblem[];
  /** A command that got no answer at all: it may have been done, and sending it again as it is is safe. */
  unanswered?: boolean;
}

export interface QueueItem {
  id: string;
  seq: number;
  kind: ItemKind;
  /** The request body; strings "@local:<id>" stand for the service id of an earlier item. */
  payload: Record<string, unknown>;
  idempotencyKey: string;
  state: ItemState;
  attempts: number;
  nextAt: number;
  createdAt: number;
  serverId?: string;
  problem?: Problem;
  /** Evidence only: SHA-256 computed on the device at capture, and the one the service answered. */
  deviceSha256?: string;
  serverSha256?: string;
  mediaType?: string;
  fileName?: string;
}

export const LOCAL_PREFIX = "@local:";

export function localRef(id: string): string {
  return LOCAL_PREFIX + id;
}

/** The ids of the earlier items a payload refers to. */
export function dependenciesOf(payload: unknown): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === "string" && value.startsWith(LOCAL_PREFIX)) found.add(value.slice(LOCAL_PREFIX.length));
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(payload);
  return [...found];
}

/** The payload with every local reference replaced by the service's id; null while one is unknown. */
export function resolvePayload<T>(payload: T, serverIds: ReadonlyMap<string, string>): T | null {
  let missing = false;
  const walk = (value: unknown): unknown => {
    if (typeof value === "string" && value.startsWith(LOCAL_PREFIX)) {
      const id = serverIds.get(value.slice(LOCAL_PREFIX.length));
      if (id === undefined) missing = true;
      return id ?? value;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    }
    return value;
  };
  const resolved = walk(payload) as T;
  return missing ? null : resolved;
}

/** Seconds to wait before the next attempt: the service's Retry-After when given, else exponential backoff. */
export function backoffMs(attempts: number, retryAfterMs: number | undefined, jitter = Math.random()): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, 15 * 60_000);
  const base = Math.min(1000 * 2 ** Math.max(0, attempts - 1), 5 * 60_000);
  return Math.round(base * (0.75 + 0.5 * jitter));
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
