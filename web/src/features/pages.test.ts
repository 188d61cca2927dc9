// The screens that show a whole list read it through everyItem: every page, with the service's cursors.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createClients } from "../lib/api/client";
import { Intents } from "../lib/api/intents";
import type { AppConfig } from "../lib/config";
import { loadCampaigns } from "./education/queries";
import { unknownDeliveries, victimDeliveries } from "./messages/queries";

const config: AppConfig = { issuer: "http://idp", clientId: "redress-web", services: {
  intake: "http://intake", casework: "http://casework", advocacy: "http://advocacy", education: "http://education",
  notify: "http://notify" } };
const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } });

/** A service whose listing at `path` has two pages (ids a, b then c) and answers `detail` for anything else. */
function twoPages(path: string, detail: unknown = {}) {
  const listed: URL[] = [];
  vi.stubGlobal("fetch", vi.fn(async (request: Request) => {
    const url = new URL(request.url);
    if (url.pathname !== path) return json(detail);
    listed.push(url);
    return url.searchParams.get("cursor") === "page-2"
      ? json({ items: [{ id: "c" }], next_cursor: null })
      : json({ items: [{ id: "a" }, { id: "b" }], next_cursor: "page-2" });
  }));
  return { clients: createClients(config, { token: () => "tok", language: () => "fr" }, new Intents()), listed };
}

describe("the screens' whole lists", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("show every delivery of a victim, page after page", async () => {
    const { clients, listed } = twoPages("/victims/v1/deliveries");
    expect((await victimDeliveries(clients, "v1")).map((d) => d.id)).toEqual(["a", "b", "c"]);
    expect(listed.map((u) => u.searchParams.get("cursor"))).toEqual([null, "page-2"]);
    expect(listed.every((u) => u.searchParams.get("limit") === "200")).toBe(true);
  });

  it("show every delivery whose outcome is unknown, page after page", async () => {
    const { clients, listed } = twoPages("/deliveries");
    expect((await unknownDeliveries(clients)).map((d) => d.id)).toEqual(["a", "b", "c"]);
    expect(listed.map((u) => [u.searchParams.get("status"), u.searchParams.get("cursor")]))
      .toEqual([["unknown", null], ["unknown", "page-2"]]);
  });

  it("show every campaign with its progress, page after page", async () => {
    const { clients, listed } = twoPages("/campaigns", { progress: [] });
    expect((await loadCampaigns(clients)).map((c) => c.id)).toEqual(["a", "b", "c"]);
    expect(listed.map((u) => u.searchParams.get("cursor"))).toEqual([null, "page-2"]);
  });
});
