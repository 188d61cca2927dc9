// Advocacy's protected indicators. Every count arrives already under disclosure control: a number is
// published, a string ("<5", "x") is withheld; the app never recomputes a withheld figure.
import { unwrap, type Clients } from "../../lib/api/client";

export type Cell = number | string;

export interface Disclosure {
  k: number;
  suppressed: number;
}

export interface Series {
  labels: string[];
  values: Cell[];
  total: Cell | null;
  disclosure: Disclosure;
}

export interface CrossTable {
  row_dimension: string;
  column_dimension: string;
  columns: string[];
  rows: { label: string; values: Cell[]; total: Cell }[];
  column_totals: Cell[];
  grand_total: Cell;
  disclosure: Disclosure;
}

export interface Filter {
  period_start: string;
  period_end: string;
  verified_only: boolean;
}

/** The series a person may chart, and the vocabulary kind of their labels ("" for years). */
export const SERIES = {
  incidents_by_year: "", incidents_by_region: "region", incidents_by_violation_type: "violation_type",
  incidents_by_perpetrator: "perpetrator_category", incidents_by_verification: "verification_status",
  cases_by_stage: "case_stage",
} as const;
export type SeriesName = keyof typeof SERIES;

/** The cross tables shown under the series they break down. */
export const TABLES: Partial<Record<SeriesName, string>> = {
  incidents_by_year: "incidents_year_by_violation", incidents_by_region: "incidents_region_by_violation",
};

export function isWithheld(cell: Cell | null | undefined): cell is string {
  return typeof cell === "string";
}

export async function loadIndicators(clients: Clients, filter: Filter): Promise<Record<string, unknown>> {
  const query = { verified_only: filter.verified_only, period_start: filter.period_start || null,
    period_end: filter.period_end || null };
  const body = await unwrap(clients.advocacy.GET("/indicators", { params: { query } }));
  return (body as { indicators?: Record<string, unknown> }).indicators ?? {};
}
