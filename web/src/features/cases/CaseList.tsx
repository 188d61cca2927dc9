// The cases the caller sees (assigned ones for a lawyer, the organisation's for a case manager): the
// service decides which; each row opens the case page.
import { useState } from "react";
import { useServices } from "../../app/context";
import { Link } from "../../app/router";
import { Choice, PageTitle, ProblemView, Status } from "../../app/ui";
import { useLoad } from "../../lib/api/load";
import { useSession } from "../../lib/auth/session";
import { formatDay } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import { labelIn, useList, useProcedure } from "../../lib/vocab/terms";
import { listCases } from "./queries";

type Shown = "open" | "closed" | "all";

export function CaseList() {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const session = useSession();
  const manager = session.hasRole("case_manager");
  const [shown, setShown] = useState<Shown>("open");
  const cases = useLoad(() => listCases(clients, shown === "all" ? undefined : shown), [clients, shown]);
  const stages = useProcedure(clients).find((track) => track.code === "domestic")?.stages ?? [];
  const courts = useList(clients, "casework:courts");
  const headers = [t("case.openedOn"), t("case.stage"), t("field.court"), t("field.victim_ids"), t("case.flags")];
  return (
    <section className="card">
      <PageTitle title={manager ? "cases.titleOrganisation" : "cases.titleMine"}
        intro={manager ? "cases.introOrganisation" : "cases.introMine"} />
      <Choice label={t("inbox.show")} value={shown} onChange={setShown} options={[
        { value: "open", label: t("cases.open") }, { value: "closed", label: t("cases.closed") },
        { value: "all", label: t("common.all") }]} />
      {cases.problem && <ProblemView problem={cases.problem} />}
      {!cases.data && !cases.problem && <Status kind="info">{t("common.loading")}</Status>}
      {cases.data?.length === 0 && <p>{t("cases.none")}</p>}
      {cases.data && cases.data.length > 0 && (
        <div className="table-wrap">
          <table className="cards">
            <caption className="sr-only">{t(manager ? "cases.titleOrganisation" : "cases.titleMine")}</caption>
            <thead><tr>{headers.map((h) => <th key={h} scope="col">{h}</th>)}</tr></thead>
            <tbody>
              {cases.data.map((c) => (
                <tr key={c.id} data-testid="case-row" data-case-id={c.id}>
                  <td data-label={headers[0]}>
                    <Link to={`/cases/${c.id}`}>{t("case.openedOnDate", { date: formatDay(c.opened_on, language) })}</Link>
                  </td>
                  <td data-label={headers[1]}>{c.status === "closed" ? t("case.closedState")
                    : labelIn(stages, c.stage, language)}</td>
                  <td data-label={headers[2]}>{c.court ? labelIn(courts, c.court, language) : "—"}</td>
                  <td data-label={headers[3]}>{c.victim_ids.length}</td>
                  <td data-label={headers[4]}>{(c.flags ?? []).length > 0 ? t("case.hasFlags") : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
