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

export function loadList(clients: Clients, list: ListName): Promise<Term[]> {
  return remember(list, () => fetchList(clients, list));
}

export function loadProcedure(clients: Clients): Promise<Track[]> {
  return remember("casework:procedure", async () =>
    ((await unwrap(clients.casework.GET("/vocabularies/procedure"))) as { tracks: Track[] }).tracks);
}

/** A vocabulary list; empty until it arrives (codes are then shown as they are). */
export function useList(clients: Clients, list: ListName): Term[] {
  const [terms, setTerms] = useState<Term[]>([]);
  useEffect(() => {
    let live = true;
    loadList(clients, list).then((found) => live && setTerms(found), () => undefined);
    return () => {
      live = false;
    };
  }, [clients, list]);
  return terms;
}

export function useProcedure(clients: Clients): Track[] {
  const [tracks, setTracks] = useState<Track[]>([]);
  useEffect(() => {
    let live = true;
    loadProcedure(clients).then((found) => live && setTracks(found), () => undefined);
    return () => {
      live = false;
    };
  }, [clients]);
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
