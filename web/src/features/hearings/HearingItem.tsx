// One hearing: when, where, why, what became of it, its postponements; while it is scheduled, the three
// things that can happen to it (postponed with a reason, held with an outcome, cancelled with a reason).
import { useState, type FormEvent } from "react";
import { useServices } from "../../app/context";
import { Field, FormProblem, errorFor, useCodeLabel } from "../../app/ui";
import { asProblem } from "../../lib/api/load";
import { formatInstant } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import type { Problem } from "../../lib/queue/model";
import { labelIn, useList, type ListName } from "../../lib/vocab/terms";
import { bamakoLocal } from "./HearingsPanel";
import { cancelHearing, recordHeld, rescheduleHearing, type Hearing } from "./queries";

type Acting = "reschedule" | "held" | "cancel" | null;

export function HearingItem({ hearing, onChanged }: { hearing: Hearing; onChanged: () => void }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const code = useCodeLabel();
  const purposes = useList(clients, "casework:hearing_purposes");
  const outcomes = useList(clients, "casework:hearing_outcomes");
  const postponements = useList(clients, "casework:postponement_reasons");
  const cancellations = useList(clients, "casework:cancellation_reasons");
  const [acting, setActing] = useState<Acting>(null);
  const done = () => {
    setActing(null);
    onChanged();
  };
  return (
    <li className="queue-item" data-testid="hearing" data-hearing-id={hearing.id} data-status={hearing.status}>
      <div className="queue-head">
        <h4 className="item-title">{formatInstant(hearing.starts_at, language)}</h4>
        <span className={`badge hearing-${hearing.status ?? "scheduled"}`}>{code("hearing.status", hearing.status)}</span>
      </div>
      <p className="meta">{hearing.court_name} · {hearing.city}{hearing.chamber ? ` · ${hearing.chamber}` : ""}</p>
      <p>{labelIn(purposes, hearing.purpose, language)}</p>
      {hearing.outcome && <p>{t("hearing.outcome", { outcome: labelIn(outcomes, hearing.outcome, language) })}</p>}
      {hearing.cancellation_reason && (
        <p>{t("hearing.cancelledFor", { reason: labelIn(cancellations, hearing.cancellation_reason, language) })}</p>)}
      {(hearing.postponements ?? []).length > 0 && (
        <ul className="history">
          {(hearing.postponements ?? []).map((p, i) => (
            <li key={i}>{t("hearing.postponed", { from: formatInstant(p.from_starts_at, language),
              to: formatInstant(p.to_starts_at, language), reason: labelIn(postponements, p.reason, language) })}</li>
          ))}
        </ul>
      )}
      {hearing.status === "scheduled" && acting === null && (
        <p className="actions">
          <button type="button" onClick={() => setActing("reschedule")}>{t("hearing.reschedule")}</button>
          <button type="button" onClick={() => setActing("held")}>{t("hearing.recordHeld")}</button>
          <button type="button" onClick={() => setActing("cancel")}>{t("hearing.cancel")}</button>
        </p>
      )}
      {acting === "reschedule" && <RescheduleForm hearing={hearing} onDone={done} onCancel={() => setActing(null)} />}
      {acting === "held" && <CodeForm hearing={hearing} list="casework:hearing_outcomes" field="outcome"
        label={t("field.outcome")} submit={t("hearing.recordHeldConfirm")} onDone={done} onCancel={() => setActing(null)}
        send={(c) => recordHeld(clients, hearing.id, c)} />}
      {acting === "cancel" && <CodeForm hearing={hearing} list="casework:cancellation_reasons" field="reason"
        label={t("field.reason")} submit={t("hearing.cancelConfirm")} onDone={done} onCancel={() => setActing(null)}
        send={(c) => cancelHearing(clients, hearing.id, c)} danger />}
    </li>
  );
}

function RescheduleForm({ hearing, onDone, onCancel }: { hearing: Hearing; onDone: () => void; onCancel: () => void }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const reasons = useList(clients, "casework:postponement_reasons");
  const [startsAt, setStartsAt] = useState("");
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    try {
      await rescheduleHearing(clients, hearing.id, { starts_at: bamakoLocal(startsAt), reason });
      onDone();
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  return (
    <form className="subform" onSubmit={submit} aria-label={t("hearing.reschedule")}>
      <Field label={t("hearing.newDate")} hint={t("hearings.bamakoTime")} error={errorFor(problem, "starts_at")}>
        {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" value={startsAt} required
          onChange={(e) => setStartsAt(e.target.value)} />}
      </Field>
      <Field label={t("field.postponement_reason")} error={errorFor(problem, "reason")}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={reason} required onChange={(e) => setReason(e.target.value)}>
            <option value="">{t("common.choose")}</option>
            {reasons.map((r) => <option key={r.code} value={r.code}>{labelIn(reasons, r.code, language)}</option>)}
          </select>
        )}
      </Field>
      <FormProblem problem={problem} fields={["starts_at", "reason"]} />
      <p className="actions">
        <button type="submit" className="primary">{t("hearing.rescheduleConfirm")}</button>
        <button type="button" onClick={onCancel}>{t("common.cancel")}</button>
      </p>
    </form>
  );
}

function CodeForm({ list, field, label, submit, send, onDone, onCancel, danger }: {
  hearing: Hearing; list: ListName; field: string; label: string; submit: string; danger?: boolean;
  send: (code: string) => Promise<unknown>; onDone: () => void; onCancel: () => void;
}) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const terms = useList(clients, list);
  const [chosen, setChosen] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const go = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    try {
      await send(chosen);
      onDone();
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  return (
    <form className="subform" onSubmit={go} aria-label={submit}>
      <Field label={label} error={errorFor(problem, field)}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={chosen} required onChange={(e) => setChosen(e.target.value)}>
            <option value="">{t("common.choose")}</option>
            {terms.map((x) => <option key={x.code} value={x.code}>{labelIn(terms, x.code, language)}</option>)}
          </select>
        )}
      </Field>
      <FormProblem problem={problem} fields={[field]} />
      <p className="actions">
        <button type="submit" className={danger ? "danger" : "primary"}>{submit}</button>
        <button type="button" onClick={onCancel}>{t("common.cancel")}</button>
      </p>
    </form>
  );
}
