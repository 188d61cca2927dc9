// One incident for the documentation desk: its facts, its history (who changed what, when), the
// verification moves the vocabulary allows from its status (with a reason), and the integrity check.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { useServices } from "../../app/context";
import { Field, PageTitle, ProblemView, Status } from "../../app/ui";
import { VocabSelect } from "../../app/VocabSelect";
import type { components } from "../../lib/api/generated/intake";
import { ApiError } from "../../lib/api/problem";
import { useSession } from "../../lib/auth/session";
import { formatDay, formatInstant } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import { useDevice } from "../../lib/queue/device";
import type { Problem } from "../../lib/queue/model";
import { findTerm, label, useVocabulary } from "../../lib/vocab/vocab";
import { changeVerification, incidentHistory, incidentIntegrity, readIncident } from "./queries";

type Incident = components["schemas"]["IncidentPublic"];
type Commit = components["schemas"]["CommitPublic"];
type Integrity = components["schemas"]["IntegrityReport"];

const asProblem = (e: unknown): Problem => (e instanceof ApiError ? e.problem : { status: 0, errors: [] });

export function IncidentPage({ id }: { id: string }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const { online } = useDevice();
  const regions = useVocabulary(clients, "regions", online);
  const violations = useVocabulary(clients, "violation_types", online);
  const statuses = useVocabulary(clients, "verification_statuses", online);
  const [incident, setIncident] = useState<Incident | null>(null);
  const [history, setHistory] = useState<Commit[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const load = useCallback(() => {
    readIncident(clients, id).then(setIncident, (e: unknown) => setProblem(asProblem(e)));
    incidentHistory(clients, id).then(setHistory, () => setHistory([]));
  }, [clients, id]);
  useEffect(load, [load]);
  if (problem && !incident) return <section className="card"><ProblemView problem={problem} /></section>;
  if (!incident) return <Status kind="info">{t("common.loading")}</Status>;
  const place = [incident.region, incident.cercle, incident.commune].filter(Boolean)
    .map((code) => label(findTerm(regions, code), language, code ?? "")).join(" › ");
  return (
    <section className="card">
      <PageTitle title="detail.title" />
      <dl className="facts">
        <dt>{t("field.occurred_on")}</dt>
        <dd>{formatDay(incident.occurred_on, language, incident.date_precision, incident.occurred_until)}</dd>
        <dt>{t("incident.where")}</dt><dd>{place}</dd>
        <dt>{t("list.violations")}</dt>
        <dd>{(incident.acts ?? []).map((a) => label(findTerm(violations, a.violation_type), language, a.violation_type))
          .join(", ") || "—"}</dd>
        <dt>{t("list.victims")}</dt><dd>{new Set((incident.acts ?? []).flatMap((a) => a.victim_ids ?? [])).size}</dd>
        <dt>{t("field.confidentiality")}</dt><dd>{t(`confidentiality.${incident.confidentiality}`)}</dd>
        <dt>{t("field.verification_status")}</dt>
        <dd data-testid="verification-status">
          {label(findTerm(statuses, incident.verification_status), language, incident.verification_status)}</dd>
      </dl>
      <Verification incident={incident} onChanged={load} />
      <IntegrityCheck id={id} />
      <h2>{t("detail.history")}</h2>
      <ol className="history">
        {history.map((c) => (
          <li key={c.version}>
            <strong>{formatInstant(c.committed_at, language)}</strong> · {c.actor} ·{" "}
            {c.events.map((e) => String(e.type ?? e.event_type ?? "")).join(", ")}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Verification({ incident, onChanged }: { incident: Incident; onChanged: () => void }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const session = useSession();
  const { online } = useDevice();
  const statuses = useVocabulary(clients, "verification_statuses", online);
  const [status, setStatus] = useState("");
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState(false);
  if (!session.hasRole("documentation_officer")) return null;
  // The moves come from the service's vocabulary, never from a list kept in the app.
  const allowed = findTerm(statuses, incident.verification_status)?.transitions ?? [];
  const terms = (statuses?.terms ?? []).filter((term) => allowed.includes(term.code));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    try {
      await changeVerification(clients, incident.id, status, reason);
      setDone(true);
      setStatus("");
      setReason("");
      onChanged();
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  return (
    <form className="subform" onSubmit={submit}>
      <h2>{t("detail.verify")}</h2>
      {done && <Status kind="ok">{t("detail.verified")}</Status>}
      {terms.length === 0 ? <p>{t("detail.noMoves")}</p> : (<>
        <Field label={t("detail.newStatus")}>
          {(id) => <VocabSelect id={id} terms={terms} value={status} onChange={setStatus} required />}
        </Field>
        <Field label={t("field.reason")} hint={t("detail.reasonHint")}>
          {(id, d) => <textarea id={id} aria-describedby={d} rows={2} value={reason} required minLength={3}
            onChange={(e) => setReason(e.target.value)} />}
        </Field>
        {problem && <ProblemView problem={problem} />}
        <button type="submit" className="primary">{t("detail.applyMove", {
          status: label(findTerm(statuses, status), language, "…") })}</button>
      </>)}
    </form>
  );
}

function IntegrityCheck({ id }: { id: string }) {
  const { t } = useI18n();
  const { clients } = useServices();
  const [report, setReport] = useState<Integrity | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const check = () => incidentIntegrity(clients, id).then(setReport, (e: unknown) => setProblem(asProblem(e)));
  return (
    <div className="subform">
      <h2>{t("detail.integrity")}</h2>
      <button type="button" onClick={() => void check()}>{t("detail.checkIntegrity")}</button>
      {report && (report.ok
        ? <Status kind="ok">{t("detail.intact", { commits: report.commits_checked })}</Status>
        : <Status kind="error">{t("detail.broken", { count: report.problems.length })}</Status>)}
      {problem && <ProblemView problem={problem} />}
    </div>
  );
}
