// A month of hearings in Bamako time: the lawyer's own (with the subscription link for a calendar app),
// or the whole organisation's for a case manager. Each hearing opens its case.
import { useState } from "react";
import { useServices } from "../../app/context";
import { Link } from "../../app/router";
import { PageTitle, ProblemView, Status, useCodeLabel } from "../../app/ui";
import { useLoad } from "../../lib/api/load";
import { useSession } from "../../lib/auth/session";
import { formatDay, todayInBamako } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import { labelIn, useList } from "../../lib/vocab/terms";
import { FeedsPanel } from "./FeedsPanel";
import { lawyerCalendar, organisationCalendar, type Hearing } from "./queries";

/** "2027-03" moved by `delta` months. */
export function shiftMonth(month: string, delta: number): string {
  const [year, m] = month.split("-").map(Number) as [number, number];
  const index = year * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** The hearings of a month, grouped by their day in Bamako, in order. */
export function byDay(hearings: Hearing[]): [string, Hearing[]][] {
  const days = new Map<string, Hearing[]>();
  for (const h of [...hearings].sort((a, b) => a.starts_at.localeCompare(b.starts_at))) {
    const day = todayInBamako(new Date(h.starts_at));
    days.set(day, [...(days.get(day) ?? []), h]);
  }
  return [...days.entries()];
}

function timeOf(iso: string, language: "fr" | "en"): string {
  return new Intl.DateTimeFormat(language === "fr" ? "fr-FR" : "en-GB", { timeZone: "Africa/Bamako",
    hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

export function CalendarScreen() {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const session = useSession();
  const code = useCodeLabel();
  const manager = session.hasRole("case_manager");
  const purposes = useList(clients, "casework:hearing_purposes");
  const [month, setMonth] = useState(todayInBamako().slice(0, 7));
  const start = `${month}-01T00:00:00`;
  const end = `${shiftMonth(month, 1)}-01T00:00:00`;
  const hearings = useLoad(() => (manager ? organisationCalendar(clients, start, end)
    : lawyerCalendar(clients, session.claims?.sub ?? "", start, end)), [clients, manager, start, end]);
  return (
    <section className="card">
      <PageTitle title={manager ? "calendar.titleOrganisation" : "calendar.titleMine"} intro="calendar.intro" />
      <div className="month-nav">
        <button type="button" onClick={() => setMonth(shiftMonth(month, -1))}>{t("calendar.previous")}</button>
        <h2 aria-live="polite">{formatDay(`${month}-01`, language, "month")}</h2>
        <button type="button" onClick={() => setMonth(shiftMonth(month, 1))}>{t("calendar.next")}</button>
      </div>
      {hearings.problem && <ProblemView problem={hearings.problem} />}
      {!hearings.data && !hearings.problem && <Status kind="info">{t("common.loading")}</Status>}
      {hearings.data?.length === 0 && <p>{t("calendar.none")}</p>}
      {byDay(hearings.data ?? []).map(([day, list]) => (
        <section key={day} className="day" aria-label={formatDay(day, language)}>
          <h3>{formatDay(day, language)}</h3>
          <ul className="plain-list">
            {list.map((h) => (
              <li key={h.id} data-testid="calendar-hearing" data-status={h.status}>
                <strong>{timeOf(h.starts_at, language)}</strong> · {h.court_name} ({h.city}) ·{" "}
                {labelIn(purposes, h.purpose, language)} · {code("hearing.status", h.status)}{" "}
                · <Link to={`/cases/${h.case_id}`}>{t("inbox.openCase")}</Link>
              </li>
            ))}
          </ul>
        </section>
      ))}
      {session.hasRole("lawyer") && !manager && <FeedsPanel />}
    </section>
  );
}
