// Vocabularies of the services (/vocabularies), shown in the user's language. They are public
// reference data, kept in clear on the device so the forms work with no network.
import { useEffect, useState } from "react";
import type { Clients } from "../api/client";
import type { Language } from "../i18n/i18n";
import { dbGet, dbPut } from "../queue/db";

export interface Term {
  code: string;
  label_fr: string;
  label_en: string;
  children?: Term[];
  transitions?: string[];
  [extra: string]: unknown;
}

export interface Vocabulary {
  vocabulary: string;
  version: string;
  terms: Term[];
  credibility_scale?: Term[];
}

export const INTAKE_VOCABULARIES = ["regions", "violation_types", "perpetrator_categories", "involvement_degrees",
  "verification_statuses", "source_reliability", "confidentiality_levels", "date_precisions",
  "organisations"] as const;
export type IntakeVocabulary = (typeof INTAKE_VOCABULARIES)[number];

export function label(term: Term | undefined, language: Language, fallback = ""): string {
  if (!term) return fallback;
  return (language === "en" ? term.label_en : term.label_fr) || term.label_fr || term.code;
}

/** Every term of a hierarchy, parents before their children, with its depth. */
export function flatten(terms: Term[], depth = 0): { term: Term; depth: number }[] {
  return terms.flatMap((term) => [{ term, depth }, ...flatten(term.children ?? [], depth + 1)]);
}

export function findTerm(vocabulary: Vocabulary | null, code: string | null | undefined): Term | undefined {
  if (!vocabulary || !code) return undefined;
  return flatten(vocabulary.terms).find((entry) => entry.term.code === code)?.term;
}

async function fetchVocabulary(clients: Clients, name: IntakeVocabulary): Promise<Vocabulary | null> {
  const { data, response } = await clients.intake.GET("/vocabularies/{name}", { params: { path: { name } } });
  if (!response.ok || !data) return null;
  const vocabulary = data as unknown as Vocabulary;
  await dbPut("vocab", `intake:${name}`, vocabulary);
  return vocabulary;
}

/** Refreshes the cached copies while online and signed in, so the forms work offline later. */
export async function warmVocabularies(clients: Clients): Promise<void> {
  await Promise.all(INTAKE_VOCABULARIES.map((name) => fetchVocabulary(clients, name).catch(() => null)));
}

export function useVocabulary(clients: Clients | null, name: IntakeVocabulary, online: boolean): Vocabulary | null {
  const [vocabulary, setVocabulary] = useState<Vocabulary | null>(null);
  useEffect(() => {
    let live = true;
    void (async () => {
      const cached = await dbGet<Vocabulary>("vocab", `intake:${name}`).catch(() => undefined);
      if (cached && live) setVocabulary(cached);
      if (clients && online) {
        const fresh = await fetchVocabulary(clients, name).catch(() => null);
        if (fresh && live) setVocabulary(fresh);
      }
    })();
    return () => {
      live = false;
    };
  }, [clients, name, online]);
  return vocabulary;
}
