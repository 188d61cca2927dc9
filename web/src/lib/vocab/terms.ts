// The other services' vocabularies (casework's procedure, courts and small lists; advocacy's, education's),
// shown in the user's language. Public reference data: kept in memory for the session only.
import { useEffect, useState } from "react";
import type { Clients } from "../api/client";
import { unwrap } from "../api/client";
import type { Term } from "./vocab";

export type ListName =
  | "casework:decline_reasons" | "casework:hearing_purposes" | "casework:hearing_outcomes"
  | "casework:postponement_reasons" | "casework:cancellation_reasons" | "casework:reparation_measures"
  | "casework:task_kinds" | "casework:courts"
  | "advocacy:target_bodies" | "advocacy:action_types" | "advocacy:recommendation_statuses"
  | "advocacy:report_labels"
  | "education:topics" | "education:venues" | "education:age_bands" | "education:regions";

export interface Stage extends Term {
  next: string[];
}

export interface ClosureReason extends Term {
  from: string[];
}

export interface Track extends Term {
  initial: string;
  stages: Stage[];
  closure_reasons: ClosureReason[];
}

const cache = new Map<string, Promise<unknown>>();

function remember<T>(key: string, fetch: () => Promise<T>): Promise<T> {
  let found = cache.get(key) as Promise<T> | undefined;
  if (!found) {
    found = fetch();
    cache.set(key, found);
    found.catch(() => cache.delete(key)); // a failure is not remembered: the next screen asks again
  }
  return found;
}

async function fetchList(clients: Clients, list: ListName): Promise<Term[]> {
  const [service, name] = list.split(":") as [string, string];
  let body: unknown;
  if (service === "casework") {
    body = name === "courts"
      ? await unwrap(clients.casework.GET("/vocabularies/courts"))
      : await unwrap(clients.casework.GET("/vocabularies/terms/{name}", { params: { path: { name } } }));
  } else if (service === "advocacy") {
    body = await unwrap(clients.advocacy.GET("/vocabularies/{name}", { params: { path: { name } } }));
  } else {
    body = await unwrap(clients.education.GET("/vocabularies/{name}", { params: { path: { name } } }));
  }
  return ((body as { terms?: Term[] }).terms) ?? [];
}

// After a failed load (offline, a timeout on 3G, a 503 while a service sheds load): again after 2 s,
// doubling to 30 s, and at once when the browser says it is back online.
const RETRY_DELAYS_MS = [2_000, 4_000, 8_000, 16_000, 30_000];

/** Calls `load` until it succeeds, then `loaded` with its value; returns a function that stops trying. */
export function untilLoaded<T>(load: () => Promise<T>, loaded: (value: T) => void,
  delays: readonly number[] = RETRY_DELAYS_MS): () => void {
  let stopped = false;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const attempt = (): void => {
    load().then(
      (value) => {
        if (!stopped) loaded(value);
        stop();
      },
      () => {
        if (stopped) return;
        timer = setTimeout(() => {
          timer = undefined;
          attempt();
        }, delays[Math.min(failures++, delays.length - 1)]);
      },
    );
  };
  const onOnline = (): void => {
    if (timer === undefined) return; // a load is in flight: its outcome decides
    clearTimeout(timer);
    timer = undefined;
    attempt();
  };
  function stop(): void {
    stopped = true;
    clearTimeout(timer);
    globalThis.removeEventListener?.("online", onOnline);
  }
  globalThis.addEventListener?.("online", onOnline);
  attempt();
  return stop;
}

export function loadList(clients: Clients, list: ListName): Promise<Term[]> {
  return remember(list, () => fetchList(clients, list));
}

export function loadProcedure(clients: Clients): Promise<Track[]> {
  return remember("casework:procedure", async () =>
    ((await unwrap(clients.casework.GET("/vocabularies/procedure"))) as { tracks: Track[] }).tracks);
}

/** A vocabulary list; empty until it arrives (codes are shown as they are meanwhile), asked again after a failure. */
export function useList(clients: Clients, list: ListName): Term[] {
  const [terms, setTerms] = useState<Term[]>([]);
  useEffect(() => untilLoaded(() => loadList(clients, list), setTerms), [clients, list]);
  return terms;
}

export function useProcedure(clients: Clients): Track[] {
  const [tracks, setTracks] = useState<Track[]>([]);
  useEffect(() => untilLoaded(() => loadProcedure(clients), setTracks), [clients]);
  return tracks;
}

/** The term of a code in a flat list. */
export function termOf(terms: Term[], code: string | null | undefined): Term | undefined {
  return code ? terms.find((term) => term.code === code) : undefined;
}

/** A code's label in the user's language, or the code itself while the list is not there. */
export function labelIn(terms: Term[], code: string | null | undefined, language: "fr" | "en"): string {
  const term = termOf(terms, code);
  if (!term) return code ?? "";
  return (language === "en" ? term.label_en : term.label_fr) || term.label_fr || term.code;
}
