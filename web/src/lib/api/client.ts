// Typed clients of the five services, generated from their committed OpenAPI documents. Every request
// carries the signed-in user's token (from memory) and the user's language for the problems' wording;
// every command carries its intent's Idempotency-Key (intents.ts), set here for every screen at once.
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { AppConfig } from "../config";
import type { paths as AdvocacyPaths } from "./generated/advocacy";
import type { paths as CaseworkPaths } from "./generated/casework";
import type { paths as EducationPaths } from "./generated/education";
import type { paths as IntakePaths } from "./generated/intake";
import type { paths as NotifyPaths } from "./generated/notify";
import { isStalingAnswer, markStale } from "./freshness";
import { commandTarget, intents as appIntents, type Intents } from "./intents";
import { ApiError, problemFrom } from "./problem";

export interface Clients {
  intake: Client<IntakePaths>;
  casework: Client<CaseworkPaths>;
  advocacy: Client<AdvocacyPaths>;
  education: Client<EducationPaths>;
  notify: Client<NotifyPaths>;
}

export interface RequestContext {
  token(): string | null;
  language(): string;
}

export const REQUEST_TIMEOUT_MS = 30_000;

function middleware(context: RequestContext, intents: Intents): Middleware {
  return {
    onRequest({ request }) {
      const token = context.token();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      request.headers.set("Accept-Language", context.language());
      intents.stamp(request.method, request.url, request.headers);
      return request;
    },
    onResponse({ request, response }) {
      answered(intents, request.method, request.url, request.headers, response.status);
    },
    onError({ request, error }) {
      // No answer at all leaves the intent open: the retry carries the same key.
      return unanswered(request.method, request.url, error);
    },
  };
}

/** Records a command's answer for its intent, and marks the screen stale when the record moved on. */
function answered(intents: Intents, method: string, url: string, headers: Headers, status: number): void {
  intents.settle(method, url, headers, status);
  if (isStalingAnswer(commandTarget(method, url) !== null, status)) markStale();
}

/** A command's failure to get any answer, as the problem the screens show; a read's error as it was. */
function unanswered(method: string, url: string, error: unknown): Error {
  if (commandTarget(method, url)) return new ApiError({ status: 0, errors: [], unanswered: true });
  return error instanceof Error ? error : new Error(String(error));
}

export function createClients(config: AppConfig, context: RequestContext, intents: Intents = appIntents): Clients {
  const make = <P extends {}>(baseUrl: string): Client<P> => {
    const client = createClient<P>({ baseUrl, credentials: "omit", cache: "no-store" });
    client.use(middleware(context, intents));
    return client;
  };
  return {
    intake: make<IntakePaths>(config.services.intake),
    casework: make<CaseworkPaths>(config.services.casework),
    advocacy: make<AdvocacyPaths>(config.services.advocacy),
    education: make<EducationPaths>(config.services.education),
    notify: make<NotifyPaths>(config.services.notify),
  };
}

/** The data of a typed call, or an ApiError carrying the service's problem. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  // openapi-fetch has read the body already: an error's parsed body comes as `error`.
  const { data, error, response } = await call;
  if (!response.ok) throw new ApiError(problemFrom(response.status, error), response.headers.get("Retry-After"));
  return data as T;
}

/** Raw authorised fetch for what the typed client does not model (file bodies and downloads). */
export async function authorisedFetch(context: RequestContext, url: string, init: RequestInit = {},
  intents: Intents = appIntents): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = context.token();
  if (token) headers.set("Authorization", `Bearer ${token}`);
  headers.set("Accept-Language", context.language());
  const method = init.method ?? "GET";
  intents.stamp(method, url, headers);
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers, credentials: "omit", cache: "no-store",
      signal: init.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw unanswered(method, url, error);
  }
  answered(intents, method, url, headers, response.status);
  return response;
}
