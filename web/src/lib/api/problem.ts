// The services' problem+json answers, read into one shape the screens and the queue show.
import type { FieldProblem, Problem } from "../queue/model";

/** The services' code for an Idempotency-Key already used with another body (the first one was recorded). */
export const KEY_REUSED = "idempotency_key_reused";

export class ApiError extends Error {
  constructor(readonly problem: Problem, readonly retryAfter: string | null = null) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }

  get status(): number {
    return this.problem.status;
  }
}

/** The problem of an answer whose body was already parsed (openapi-fetch hands it over as `error`). */
export function problemFrom(status: number, parsed: unknown): Problem {
  const body = (parsed && typeof parsed === "object" ? parsed : {}) as Record<string, unknown>;
  const errors = Array.isArray(body.errors)
    ? body.errors.filter((e): e is FieldProblem =>
      !!e && typeof e.field === "string" && typeof e.reason === "string")
      .map((e) => (typeof e.code === "string" ? { field: e.field, reason: e.reason, code: e.code }
        : { field: e.field, reason: e.reason }))
    : [];
  const problem: Problem = { status, errors };
  if (typeof body.title === "string") problem.title = body.title;
  if (typeof body.detail === "string") problem.detail = body.detail;
  return problem;
}

/** The problem of an answer whose body is still unread. */
export async function problemOf(response: Response): Promise<Problem> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page): the status alone still says what happened.
  }
  return problemFrom(response.status, body);
}

/** Whether the service refused a key already used with another body: the first command was recorded. */
export function isKeyReused(problem: Problem): boolean {
  return problem.status === 409 && problem.errors.some((e) => e.code === KEY_REUSED);
}

/** Whether a failed request may succeed later as it is (and so is retried rather than held). */
export function isTransient(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** The catalogue key of a problem's field: "body.acts.0.violation_type" -> "acts.violation_type". */
export function fieldKey(field: string): string {
  return field.split(".").filter((part) => part !== "body" && part !== "query" && !/^\d+$/.test(part)).join(".");
}
