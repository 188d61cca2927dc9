// Numbers as users in Mali read them: French grouping, CFA francs, percentages.
import type { Language } from "./i18n";

function locale(language: Language): string {
  return language === "fr" ? "fr-FR" : "en-GB";
}

/** An amount in CFA francs (XOF, no decimals): "1 500 000 F CFA". */
export function formatXof(amount: number | null | undefined, language: Language): string {
  if (amount === null || amount === undefined) return "—";
  return new Intl.NumberFormat(locale(language), { style: "currency", currency: "XOF", maximumFractionDigits: 0 })
    .format(amount);
}

/** A count with the language's grouping: "12 345". */
export function formatCount(n: number, language: Language): string {
  return new Intl.NumberFormat(locale(language)).format(n);
}

/** A share (0.4321) as a percentage: "43,2 %". */
export function formatShare(share: number, language: Language): string {
  return new Intl.NumberFormat(locale(language), { style: "percent", maximumFractionDigits: 1 }).format(share);
}
