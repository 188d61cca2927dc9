// One Idempotency-Key per user intent. An intent is one command sent to one resource (method and URL): it
// keeps its key from its first send until the service answers it for good, so a double click, a retry
// after a lost answer or after a 503 is the same intent and the service does it once (same body: the first
// answer again; another body: 409 idempotency_key_reused). The next command to that resource, once the
// service has answered, is a new intent with a new key. Keys live in memory only, like the token.
import { isTransient } from "./problem";

export const KEY_HEADER = "Idempotency-Key";
const COMMAND_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** What a command acts on ("POST https://casework/cases/c1/stage"); null for a read. */
export function commandTarget(method: string, url: string): string | null {
  const verb = method.toUpperCase();
  return COMMAND_METHODS.has(verb) ? `${verb} ${url}` : null;
}

export class Intents {
  private readonly open = new Map<string, string>();

  constructor(private readonly newKey: () => string = () => crypto.randomUUID()) {}

  /** The key of a command to `target`: the open intent's while its outcome is unknown, else a new one. */
  keyFor(target: string): string {
    const known = this.open.get(target);
    if (known) return known;
    const key = this.newKey();
    this.open.set(target, key);
    return key;
  }

  /** Closes the intent once the service answered it for good; an answer that may change later keeps it. */
  answered(target: string, key: string, status: number): void {
    // Only the answer to the open intent's own key closes it, never a late answer to an older one.
    if (!isTransient(status) && this.open.get(target) === key) this.open.delete(target);
  }

  /** Sets the intent's key on a command that carries none; a key set by the caller (the sync queue) stays. */
  stamp(method: string, url: string, headers: Headers): void {
    const target = commandTarget(method, url);
    if (target && !headers.has(KEY_HEADER)) headers.set(KEY_HEADER, this.keyFor(target));
  }

  /** Records the service's answer to a command sent with `headers`. */
  settle(method: string, url: string, headers: Headers, status: number): void {
    const target = commandTarget(method, url);
    const key = headers.get(KEY_HEADER);
    if (target && key) this.answered(target, key, status);
  }
}

/** The app's one set of open intents, shared by the typed clients and the raw authorised fetch. */
export const intents = new Intents();
