import { afterEach, describe, expect, it, vi } from "vitest";
import type { AppConfig } from "../config";
import { changeCourt, changeStage, unassignLawyer } from "../../features/cases/queries";
import { authorisedFetch, createClients } from "./client";
import { Intents } from "./intents";

const config: AppConfig = { issuer: "http://idp", clientId: "redress-web", services: {
  intake: "http://intake", casework: "http://casework", advocacy: "http://advocacy", education: "http://education",
  notify: "http://notify" } };
const context = { token: () => "tok", language: () => "fr" };
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const MOVE = { track: "domestic", to_stage: "complaint", effective_on: "2026-12-01", closure_reason: null };

/** Clients over a fetch that answers from `answers` in turn (an Error stands for a lost answer). */
function clientsAnswering(...answers: (Response | Error)[]) {
  const seen: Request[] = [];
  vi.stubGlobal("fetch", vi.fn(async (input: Request | string, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    seen.push(request);
    const answer = answers.shift() ?? json(200, {});
    if (answer instanceof Error) throw answer;
    return answer;
  }));
  const intents = new Intents();
  return { clients: createClients(config, context, intents), intents, seen };
}

const keyOf = (request: Request | undefined) => request?.headers.get("Idempotency-Key");

function expectOneKey(first: Request | undefined, second: Request | undefined): void {
  expect(keyOf(first)).toMatch(/^[0-9a-f-]{36}$/);
  expect(keyOf(second)).toBe(keyOf(first));
}

describe("the API client keys every command", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("puts an Idempotency-Key on POST, PUT, PATCH and DELETE, and none on GET", async () => {
    const { clients, seen } = clientsAnswering();
    await clients.casework.POST("/cases/{case_id}/stage", { params: { path: { case_id: "c1" } }, body: MOVE });
    await clients.casework.PUT("/cases/{case_id}/court", { params: { path: { case_id: "c1" } },
      body: { court: "ml-tgi-mopti" } });
    await clients.intake.PATCH("/incidents/{incident_id}", { params: { path: { incident_id: "i1" } }, body: {} });
    await clients.casework.DELETE("/cases/{case_id}/lawyers/{lawyer_id}",
      { params: { path: { case_id: "c1", lawyer_id: "l1" } } });
    await clients.casework.GET("/cases/{case_id}", { params: { path: { case_id: "c1" } } });
    expect(seen.map((r) => r.method)).toEqual(["POST", "PUT", "PATCH", "DELETE", "GET"]);
    expect(seen.slice(0, 4).every((r) => /^[0-9a-f-]{36}$/.test(keyOf(r) ?? ""))).toBe(true);
    expect(keyOf(seen[4])).toBeNull();
  });

  it("sends a stage move retried after a lost answer with the same key", async () => {
    const { clients, seen } = clientsAnswering(new TypeError("network"), json(200, { id: "c1" }));
    await expect(changeStage(clients, "c1", MOVE)).rejects.toThrow();
    await changeStage(clients, "c1", MOVE);
    expect(seen).toHaveLength(2);
    expectOneKey(seen[0], seen[1]);
  });

  it("sends a command retried after a 503 with the same key", async () => {
    const { clients, seen } = clientsAnswering(json(503, { title: "Unavailable" }), json(200, {}));
    await expect(changeCourt(clients, "c1", "ml-tgi-mopti")).rejects.toThrow();
    await changeCourt(clients, "c1", "ml-tgi-mopti");
    expectOneKey(seen[0], seen[1]);
  });

  it("sends a double click's two requests with one key", async () => {
    // Neither request is answered before both were sent: the second click comes while the first is in flight.
    const seen: Request[] = [];
    let bothSent: () => void = () => undefined;
    const gate = new Promise<void>((open) => { bothSent = open; });
    vi.stubGlobal("fetch", vi.fn(async (request: Request) => {
      seen.push(request);
      if (seen.length === 2) bothSent();
      await gate;
      return json(200, {});
    }));
    const clients = createClients(config, context, new Intents());
    await Promise.all([changeStage(clients, "c1", MOVE), changeStage(clients, "c1", MOVE)]);
    expect(seen).toHaveLength(2);
    expectOneKey(seen[0], seen[1]);
  });

  it("gives the next command to the same case a new key once the service answered", async () => {
    const { clients, seen } = clientsAnswering(json(200, {}), json(200, {}));
    await changeStage(clients, "c1", MOVE);
    await changeStage(clients, "c1", { ...MOVE, to_stage: "preliminary_investigation" });
    expect(keyOf(seen[1])).toMatch(/^[0-9a-f-]{36}$/);
    expect(keyOf(seen[1])).not.toBe(keyOf(seen[0]));
  });

  it("gives a new key after the service refused the key as reused", async () => {
    const reused = json(409, { status: 409, errors: [{ field: "Idempotency-Key", reason: "déjà servi",
      code: "idempotency_key_reused" }] });
    const { clients, seen } = clientsAnswering(reused, json(200, {}));
    await expect(unassignLawyer(clients, "c1", "l1")).rejects.toMatchObject({ status: 409 });
    await unassignLawyer(clients, "c1", "l1");
    expect(keyOf(seen[1])).toMatch(/^[0-9a-f-]{36}$/);
    expect(keyOf(seen[1])).not.toBe(keyOf(seen[0]));
  });

  it("tells a command that got no answer from a read that got none", async () => {
    const { clients } = clientsAnswering(new TypeError("network"), new TypeError("network"));
    await expect(changeStage(clients, "c1", MOVE)).rejects.toMatchObject({ problem: { status: 0, unanswered: true } });
    await expect(clients.casework.GET("/cases/{case_id}", { params: { path: { case_id: "c1" } } }))
      .rejects.toBeInstanceOf(TypeError);
  });

  it("keys a raw command (a file import) and leaves a raw download unkeyed", async () => {
    const { intents, seen } = clientsAnswering(new TypeError("network"), json(202, {}), json(200, {}));
    const url = "http://intake/incidents/imports";
    await expect(authorisedFetch(context, url, { method: "POST", body: "x" }, intents))
      .rejects.toMatchObject({ problem: { unanswered: true } });
    await authorisedFetch(context, url, { method: "POST", body: "x" }, intents);
    await authorisedFetch(context, "http://advocacy/reports/r1/files/report.pdf", {}, intents);
    expectOneKey(seen[0], seen[1]);
    expect(keyOf(seen[2])).toBeNull();
  });
});

describe("a command refused with 409 makes the screen read again", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("marks the views stale on a 409 to a command, not on a read's 409 nor on a command's 422", async () => {
    const { onStale } = await import("./freshness");
    const reload = vi.fn();
    const unsubscribe = onStale(reload);
    const reused = { errors: [{ field: "Idempotency-Key", reason: "déjà utilisée", code: "idempotency_key_reused" }] };
    const { clients } = clientsAnswering(json(422, { errors: [] }), json(409, {}), json(409, reused));
    await changeStage(clients, "c1", MOVE).catch(() => undefined);
    expect(reload).not.toHaveBeenCalled();
    await clients.casework.GET("/cases/{case_id}", { params: { path: { case_id: "c1" } } });
    expect(reload).not.toHaveBeenCalled();
    await changeStage(clients, "c1", MOVE).catch(() => undefined);
    expect(reload).toHaveBeenCalledTimes(1);
    unsubscribe();
  });
});
