// A case's reparations: requested, then awarded by a court (compensation with its amount), then paid in
// full, in part or not at all. Which step comes next is the service's rule; the forms follow the status.
import { useState, type FormEvent, type ReactNode } from "react";
import { useServices } from "../../app/context";
import { Field, FormProblem, ProblemView, errorFor, useCodeLabel } from "../../app/ui";
import { asProblem, useLoad } from "../../lib/api/load";
import { formatDay, todayInBamako } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import { formatXof } from "../../lib/i18n/numbers";
import type { Problem } from "../../lib/queue/model";
import { labelIn, useList } from "../../lib/vocab/terms";
import type { Case } from "../cases/queries";
import { awardReparation, caseReparations, recordPayment, requestReparation, type Reparation } from "./queries";

const PAYMENT_STATUSES = ["paid_in_full", "paid_in_part", "not_paid"] as const;

/** An optional amount typed in a number input, as the contract wants it. */
const amount = (text: string): number | null => (text.trim() === "" ? null : Number(text));

export function ReparationsPanel({ value }: { value: Case }) {
  const { t } = useI18n();
  const { clients } = useServices();
  const list = useLoad(() => caseReparations(clients, value.id), [clients, value.id]);
  return (
    <section className="subform" id="reparations" aria-labelledby="reparations-title">
      <h2 id="reparations-title">{t("reparations.title")}</h2>
      {list.problem && <ProblemView problem={list.problem} />}
      {list.data?.length === 0 && <p>{t("reparations.none")}</p>}
      <ul className="queue">{list.data?.map((r) => <ReparationItem key={r.id} item={r} onChanged={list.reload} />)}</ul>
      {value.status === "open" && <RequestForm caseId={value.id} onDone={list.reload} />}
    </section>
  );
}

function ReparationItem({ item, onChanged }: { item: Reparation; onChanged: () => void }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const code = useCodeLabel();
  const measures = useList(clients, "casework:reparation_measures");
  const courts = useList(clients, "casework:courts");
  const status = item.status ?? "requested";
  return (
    <li className="queue-item" data-testid="reparation" data-status={status}>
      <div className="queue-head">
        <strong>{labelIn(measures, item.measure, language)}</strong>
        <span className="badge">{code("reparation.status", status)}</span>
      </div>
      <dl className="facts">
        <dt>{t("reparation.requested")}</dt>
        <dd>{formatDay(item.requested_on, language)} · {formatXof(item.requested_amount_xof, language)}</dd>
        {item.awarded_on && (<><dt>{t("reparation.awarded")}</dt>
          <dd>{formatDay(item.awarded_on, language)} · {labelIn(courts, item.awarded_by, language)} · {formatXof(
            item.amount_xof, language)}</dd></>)}
        {(item.payments ?? []).length > 0 && (<><dt>{t("reparation.paid")}</dt>
          <dd>{formatXof(item.total_paid_xof ?? 0, language)}</dd></>)}
      </dl>
      {(item.payments ?? []).length > 0 && (
        <ul className="history">{(item.payments ?? []).map((p, i) => (
          <li key={i}>{formatDay(p.paid_on, language)} · {code("reparation.status", p.payment_status)} · {formatXof(
            p.amount_xof, language)}</li>))}
        </ul>
      )}
      {status === "requested" && <AwardForm item={item} onDone={onChanged} />}
      {(status === "awarded" || status === "paid_in_part" || status === "not_paid") &&
        <PaymentForm item={item} onDone={onChanged} />}
    </li>
  );
}

/** A small form that sends once and shows the service's problem beside its fields. */
function useSend(onDone: () => void): [Problem | null, (send: () => Promise<unknown>) => (e: FormEvent) => void] {
  const [problem, setProblem] = useState<Problem | null>(null);
  const submit = (send: () => Promise<unknown>) => (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    send().then(onDone, (e: unknown) => setProblem(asProblem(e)));
  };
  return [problem, submit];
}

function Details({ summary, children }: { summary: string; children: ReactNode }) {
  return <details className="subform"><summary>{summary}</summary>{children}</details>;
}

function RequestForm({ caseId, onDone }: { caseId: string; onDone: () => void }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const measures = useList(clients, "casework:reparation_measures");
  const [measure, setMeasure] = useState("");
  const [requested, setRequested] = useState("");
  const [problem, submit] = useSend(() => { setMeasure(""); setRequested(""); onDone(); });
  return (
    <form onSubmit={submit(() => requestReparation(clients, caseId, { measure,
      requested_amount_xof: amount(requested) }))} aria-label={t("reparations.request")}>
      <h3>{t("reparations.request")}</h3>
      <div className="row">
        <Field label={t("field.measure")} error={errorFor(problem, "measure")}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={measure} required onChange={(e) => setMeasure(e.target.value)}>
              <option value="">{t("common.choose")}</option>
              {measures.map((m) => <option key={m.code} value={m.code}>{labelIn(measures, m.code, language)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t("field.requested_amount_xof")} error={errorFor(problem, "requested_amount_xof")}>
          {(id, d) => <input id={id} aria-describedby={d} type="number" min={0} step={1} inputMode="numeric"
            value={requested} onChange={(e) => setRequested(e.target.value)} />}
        </Field>
      </div>
      <FormProblem problem={problem} fields={["measure", "requested_amount_xof"]} />
      <button type="submit">{t("reparations.requestConfirm")}</button>
    </form>
  );
}

function AwardForm({ item, onDone }: { item: Reparation; onDone: () => void }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const courts = useList(clients, "casework:courts");
  const [awarded, setAwarded] = useState("");
  const [by, setBy] = useState("");
  const [on, setOn] = useState(todayInBamako());
  const [problem, submit] = useSend(onDone);
  return (
    <Details summary={t("reparation.award")}>
      <form onSubmit={submit(() => awardReparation(clients, item.id, { amount_xof: amount(awarded), awarded_by: by,
        awarded_on: on }))} aria-label={t("reparation.award")}>
        <Field label={t("field.amount_xof")} error={errorFor(problem, "amount_xof")}>
          {(id, d) => <input id={id} aria-describedby={d} type="number" min={0} step={1} inputMode="numeric"
            value={awarded} onChange={(e) => setAwarded(e.target.value)} />}
        </Field>
        <Field label={t("field.awarded_by")} error={errorFor(problem, "awarded_by")}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={by} required onChange={(e) => setBy(e.target.value)}>
              <option value="">{t("common.choose")}</option>
              {courts.map((c) => <option key={c.code} value={c.code}>{labelIn(courts, c.code, language)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t("field.awarded_on")} error={errorFor(problem, "awarded_on")}>
          {(id, d) => <input id={id} aria-describedby={d} type="date" value={on} required
            onChange={(e) => setOn(e.target.value)} />}
        </Field>
        <FormProblem problem={problem} fields={["amount_xof", "awarded_by", "awarded_on"]} />
        <button type="submit">{t("reparation.awardConfirm")}</button>
      </form>
    </Details>
  );
}

function PaymentForm({ item, onDone }: { item: Reparation; onDone: () => void }) {
  const { t } = useI18n();
  const { clients } = useServices();
  const [status, setStatus] = useState("");
  const [paid, setPaid] = useState("");
  const [on, setOn] = useState(todayInBamako());
  const [problem, submit] = useSend(onDone);
  return (
    <Details summary={t("reparation.payment")}>
      <form onSubmit={submit(() => recordPayment(clients, item.id, {
        payment_status: status as (typeof PAYMENT_STATUSES)[number], amount_xof: amount(paid), paid_on: on }))}
        aria-label={t("reparation.payment")}>
        <Field label={t("field.payment_status")} error={errorFor(problem, "payment_status")}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={status} required onChange={(e) => setStatus(e.target.value)}>
              <option value="">{t("common.choose")}</option>
              {PAYMENT_STATUSES.map((s) => <option key={s} value={s}>{t(`reparation.status.${s}`)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t("field.amount_xof")} error={errorFor(problem, "amount_xof")}>
          {(id, d) => <input id={id} aria-describedby={d} type="number" min={0} step={1} inputMode="numeric"
            value={paid} onChange={(e) => setPaid(e.target.value)} />}
        </Field>
        <Field label={t("field.paid_on")} error={errorFor(problem, "paid_on")}>
          {(id, d) => <input id={id} aria-describedby={d} type="date" value={on} required
            onChange={(e) => setOn(e.target.value)} />}
        </Field>
        <FormProblem problem={problem} fields={["payment_status", "amount_xof", "paid_on"]} />
        <button type="submit">{t("reparation.paymentConfirm")}</button>
      </form>
    </Details>
  );
}
