// The audit log of each service, filtered by actor, victim id and period (Bamako days), and its
// integrity check (the service re-reads its hash chain). Entries hold pseudonymous ids only.
import { useState } from "react";
import { useServices } from "../../app/context";
import { Field, PageTitle, ProblemView, Status, errorFor, shortId, useCodeLabel } from "../../app/ui";
import { asProblem, useLoad } from "../../lib/api/load";
import { useSession } from "../../lib/auth/session";
import { formatInstant } from "../../lib/i18n/dates";
import { useI18n, type MessageKey } from "../../lib/i18n/i18n";
import type { Problem } from "../../lib/queue/model";
import { SERVICES, checkIntegrity, queryAudit, type AuditEntry, type AuditFilter, type Integrity,
  type ServiceName } from "./queries";

const EMPTY: AuditFilter = { actor: "", victim_id: "", since: "", until: "" };

export function AuditScreen() {
  const { t } = useI18n();
  const { clients } = useServices();
  const admin = useSession().hasRole("admin");
  const [service, setService] = useState<ServiceName>("casework");
  const [draft, setDraft] = useState<AuditFilter>(EMPTY);
  const [filter, setFilter] = useState<AuditFilter>(EMPTY);
  const found = useLoad(() => queryAudit(clients, service, filter), [clients, service, filter]);
  const problem = found.problem;
  const set = (change: Partial<AuditFilter>) => setDraft({ ...draft, ...change });
  return (
    <section className="card">
      <PageTitle title="audit.title" intro="audit.intro" />
      <form aria-label={t("audit.filters")} onSubmit={(e) => { e.preventDefault(); setFilter(draft); }}>
        <div className="row">
          <Field label={t("audit.service")}>
            {(id) => (
              <select id={id} value={service} onChange={(e) => setService(e.target.value as ServiceName)}>
                {SERVICES.map((s) => <option key={s} value={s}>{t(`service.${s}` as MessageKey)}</option>)}
              </select>
            )}
          </Field>
          <Field label={t("audit.actor")} hint={t("audit.actorHint")} error={errorFor(problem, "actor")}>
            {(id, d) => <input id={id} aria-describedby={d} value={draft.actor} onChange={(e) => set({ actor: e.target.value })} />}
          </Field>
          <Field label={t("field.victim_id")} error={errorFor(problem, "victim_id")}>
            {(id, d) => <input id={id} aria-describedby={d} value={draft.victim_id}
              onChange={(e) => set({ victim_id: e.target.value })} />}
          </Field>
          <Field label={t("audit.since")} error={errorFor(problem, "since")}>
            {(id, d) => <input id={id} aria-describedby={d} type="date" value={draft.since} onChange={(e) => set({ since: e.target.value })} />}
          </Field>
          <Field label={t("audit.until")} error={errorFor(problem, "until")}>
            {(id, d) => <input id={id} aria-describedby={d} type="date" value={draft.until} onChange={(e) => set({ until: e.target.value })} />}
          </Field>
        </div>
        <p className="actions"><button type="submit" className="primary">{t("audit.search")}</button></p>
      </form>
      {admin && <IntegrityCheck key={service} service={service} />}
      {problem && <ProblemView problem={problem} />}
      {!found.data && !problem && <Status kind="info">{t("common.loading")}</Status>}
      {found.data?.length === 0 && <p>{t("audit.none")}</p>}
      {found.data && found.data.length > 0 && <AuditTable entries={found.data} service={service} />}
    </section>
  );
}

function AuditTable({ entries, service }: { entries: AuditEntry[]; service: ServiceName }) {
  const { t, language } = useI18n();
  const code = useCodeLabel();
  const headers = [t("audit.at"), t("audit.actor"), t("audit.action"), t("audit.resource"), t("audit.outcome")];
  return (
    <div className="table-wrap">
      <table className="cards" data-testid="audit-entries">
        <caption>{t("audit.entries", { service: t(`service.${service}` as MessageKey) })}</caption>
        <thead><tr>{headers.map((h) => <th key={h} scope="col">{h}</th>)}</tr></thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid="audit-entry" data-action={e.action} data-resource-id={e.resource_id}>
              <td data-label={headers[0]}>{e.at ? formatInstant(e.at, language) : "—"}</td>
              <td data-label={headers[1]}><span><code title={e.actor}>{shortId(e.actor)}</code>
                {" "}{(e.actor_roles ?? []).map((r) => code("role", r)).join(", ")}</span></td>
              <td data-label={headers[2]}>{code("audit.do", e.action)}
                {e.purpose ? ` — ${code("audit.purpose", e.purpose)}` : ""}</td>
              <td data-label={headers[3]}><span>{code("audit.type", e.resource_type)} <code title={e.resource_id}>
                {shortId(e.resource_id)}</code></span></td>
              <td data-label={headers[4]}>{t(e.outcome === "allowed" ? "audit.allowed" : "audit.denied")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function IntegrityCheck({ service }: { service: ServiceName }) {
  const { t } = useI18n();
  const { clients } = useServices();
  const [report, setReport] = useState<Integrity | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setProblem(null);
    try {
      setReport(await checkIntegrity(clients, service));
    } catch (e) {
      setProblem(asProblem(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="subform" data-testid="integrity">
      <button type="button" onClick={() => void run()} disabled={busy}>{t("audit.integrity")}</button>
      {report && (report.ok
        ? <Status kind="ok">{t("audit.intact", { n: report.entries_checked })}</Status>
        : <Status kind="error">{t("audit.broken", { n: report.problems.length })}</Status>)}
      {problem && <ProblemView problem={problem} />}
    </div>
  );
}
