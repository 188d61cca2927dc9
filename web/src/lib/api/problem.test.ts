import { describe, expect, it } from "vitest";
import { fieldKey, isTransient, problemFrom, problemOf } from "./problem";

describe("problems", () => {
  it("reads the field and the reason of a problem+json answer", async () => {
    const response = new Response(JSON.stringify({ title: "Invalid input", status: 422,
      errors: [{ field: "body.identity.phone", reason: "ne correspond pas au format attendu" }] }), { status: 422 });
    expect(await problemOf(response)).toEqual({ status: 422, title: "Invalid input",
      errors: [{ field: "body.identity.phone", reason: "ne correspond pas au format attendu" }] });
  });

  it("reads a body the typed client already parsed", () => {
    expect(problemFrom(409, { detail: "no consent", errors: [{ field: "consent", reason: "missing" }] })).toEqual({
      status: 409, detail: "no consent", errors: [{ field: "consent", reason: "missing" }] });
    expect(problemFrom(502, undefined)).toEqual({ status: 502, errors: [] });
  });

  it("names a field by its path without the body prefix or list indexes", () => {
    expect(fieldKey("body.acts.0.violation_type")).toBe("acts.violation_type");
  });

  it("retries what may pass later and holds what will not", () => {
    expect([408, 429, 500, 503].every(isTransient)).toBe(true);
    expect([400, 401, 403, 404, 409, 422].some(isTransient)).toBe(false);
  });
});
