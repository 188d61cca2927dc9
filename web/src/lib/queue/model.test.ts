import { describe, expect, it } from "vitest";
import { backoffMs, dependenciesOf, localRef, parseRetryAfter, resolvePayload } from "./model";

describe("queue model", () => {
  it("finds the earlier items a payload refers to", () => {
    expect(dependenciesOf({ a: [localRef("x")], b: { c: localRef("y") }, d: "z" }).sort()).toEqual(["x", "y"]);
  });

  it("resolves nothing while an earlier item has no service id yet", () => {
    expect(resolvePayload({ v: localRef("x") }, new Map())).toBeNull();
    expect(resolvePayload({ v: [localRef("x")] }, new Map([["x", "srv"]]))).toEqual({ v: ["srv"] });
  });

  it("backs off exponentially, bounded, unless the service says when", () => {
    expect(backoffMs(1, undefined, 0.5)).toBe(1000);
    expect(backoffMs(4, undefined, 0.5)).toBe(8000);
    expect(backoffMs(40, undefined, 0.5)).toBe(300_000);
    expect(backoffMs(4, 30_000)).toBe(30_000);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(parseRetryAfter("7")).toBe(7000);
    expect(parseRetryAfter("Wed, 21 Oct 2026 07:28:10 GMT", Date.parse("Wed, 21 Oct 2026 07:28:00 GMT"))).toBe(10_000);
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
