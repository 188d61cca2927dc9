// Dates and times as users in Mali read them: Africa/Bamako, French formats by default.
import type { Language } from "./i18n";

const ZONE = "Africa/Bamako";

function locale(language: Language): string {
  return language === "fr" ? "fr-FR" : "en-GB";
}

/** A calendar date ("2024-03-05") at its precision: "5 mars 2024", "mars 2024", "2024", "5–9 mars 2024". */
export function formatDay(iso: string, language: Language, precision = "day", until?: string | null): string {
  const date = new Date(`${iso}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions = { timeZone: ZONE };
  if (precision === "year") options.year = "numeric";
  else if (precision === "month") Object.assign(options, { month: "long", year: "numeric" });
  else Object.assign(options, { day: "numeric", month: "long", year: "numeric" });
  const format = new Intl.DateTimeFormat(locale(language), options);
  if (precision === "range" && until) {
    const end = new Date(`${until}T12:00:00Z`);
    if (!Number.isNaN(end.getTime())) return format.formatRange(date, end);
  }
  return firstOfMonth(format.format(date), language);
}

/** French writes the first day of a month as an ordinal: "1er mars 2024", not "1 mars 2024". */
function firstOfMonth(text: string, language: Language): string {
  return language === "fr" ? text.replace(/(^|\s)1 (?=\p{L})/u, (_match, before: string) => `${before}1er `) : text;
}

/** An instant ("2024-03-05T14:03:00Z") in Bamako time: "5 mars 2024 à 14:03". */
export function formatInstant(iso: string | number, language: Language): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return firstOfMonth(new Intl.DateTimeFormat(locale(language), {
    timeZone: ZONE, day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit",
  }).format(date), language);
}

/** Today's date in Bamako, as the date inputs want it. */
export function todayInBamako(now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(now);
}
