import { afterEach, describe, expect, it, vi } from "vitest";
import { createClients } from "../api/client";
import type { AppConfig } from "../config";
import type { QueueItem } from "./model";
import { intakeSender } from "./sender";

const config: AppConfig = { issuer: "http://idp", clientId: "redress-web", services: {
  intake: "http://intake", casework: "http://casework", advocacy: "http://advocacy", education: "http://education",
  notify: "http://notify" } };
const context = { token: () => "tok", language: () => "fr" };
const victim: QueueItem = { id: "v1", seq: 1, kind: "victim", payload: { sex: "male" }, idempotencyKey: "key-v1",
  state: "pending", attempts: 0, nextAt: 0, createdAt: 0 };
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

function senderAnswering(answer: () => Response | Promise<Response>) {
  const seen: Request[] = [];
  vi.stubGlobal("fetch", vi.fn(async (input: Request) => {
    seen.push(input);
    return answer();
  }));
  const send = intakeSender(config, createClients(config, context), context, { file: async () => undefined });
  return { send, seen };
}

describe("intake sender", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("sends the item's Idempotency-Key, the token and the user's language", async () => {
    const { send, seen } = senderAnswering(() => json(201, { id: "srv-1" }));
    expect(await send(victim, victim.payload)).toEqual({ outcome: "stored", serverId: "srv-1" });
    const request = seen[0] as Request;
    expect(request.headers.get("Idempotency-Key")).toBe("key-v1");
    expect(request.headers.get("Authorization")).toBe("Bearer tok");
    expect(request.headers.get("Accept-Language")).toBe("fr");
  });

  it("holds a 422 with the field and reason the service named", async () => {
    const { send } = senderAnswering(() => json(422, { title: "Invalid input",
      errors: [{ field: "body.identity.phone", reason: "format de téléphone" }] }));
    expect(await send(victim, victim.payload)).toEqual({ outcome: "refused", problem: { status: 422,
      title: "Invalid input", errors: [{ field: "body.identity.phone", reason: "format de téléphone" }] } });
  });

  it("retries a 503 after the service's Retry-After", async () => {
    const { send } = senderAnswering(() => json(503, { title: "Unavailable" }, { "Retry-After": "12" }));
    expect(await send(victim, victim.payload)).toEqual({ outcome: "retry", retryAfterMs: 12_000 });
  });

  it("retries when the network fails and asks for a sign-in on 401", async () => {
    const down = senderAnswering(() => Promise.reject(new TypeError("network")));
    expect(await down.send(victim, victim.payload)).toEqual({ outcome: "retry" });
    const expired = senderAnswering(() => json(401, { title: "Unauthorized" }));
    expect(await expired.send(victim, victim.payload)).toEqual({ outcome: "retry", signIn: true });
  });
});
