import { describe, expect, it } from "vitest";
import { fieldKey, isKeyReused, isTransient, problemFrom, problemOf } from "./problem";

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

describe("a key already used with another body", () => {
  const body = { title: "Conflict", errors: [{ field: "Idempotency-Key",
    reason: "Cette clé Idempotency-Key a déjà servi pour une autre requête.", code: "idempotency_key_reused" }] };

  it("keeps the service's code of the reason", () => {
    expect(problemFrom(409, body).errors[0]?.code).toBe("idempotency_key_reused");
  });

  it("is told apart from the other conflicts", () => {
    expect(isKeyReused(problemFrom(409, body))).toBe(true);
    expect(isKeyReused(problemFrom(409, { errors: [{ field: "to_stage", reason: "x", code: "stage_not_allowed" }] })))
      .toBe(false);
  });
});
