// A case's hearings: the list, and scheduling one (a time without offset is Bamako time for casework).
import { useState } from "react";
import { useServices } from "../../app/context";
import { Field, FormProblem, ProblemView, Status, errorFor } from "../../app/ui";
import { useLoad } from "../../lib/api/load";
import { useSubmit } from "../../lib/api/submit";
import { useI18n } from "../../lib/i18n/i18n";
import { labelIn, useList } from "../../lib/vocab/terms";
import type { Case } from "../cases/queries";
import { HearingItem } from "./HearingItem";
import { caseHearings, scheduleHearing } from "./queries";

/** A datetime-local value ("2027-01-15T09:30") as casework reads it: Bamako time, seconds added. */
export function bamakoLocal(value: string): string {
  return value.length === 16 ? `${value}:00` : value;
}

export function HearingsPanel({ value }: { value: Case }) {
  const { t } = useI18n();
  const { clients } = useServices();
  const hearings = useLoad(() => caseHearings(clients, value.id), [clients, value.id]);
  return (
    <section className="subform" id="hearings" aria-labelledby="hearings-title">
      <h2 id="hearings-title">{t("hearings.title")}</h2>
      {hearings.problem && <ProblemView problem={hearings.problem} />}
      {hearings.data?.length === 0 && <p>{t("hearings.none")}</p>}
      <ul className="queue">
        {hearings.data?.map((h) => <HearingItem key={h.id} hearing={h} onChanged={hearings.reload} />)}
      </ul>
      {value.status === "open" && <ScheduleForm value={value} onScheduled={hearings.reload} />}
    </section>
  );
}

function ScheduleForm({ value, onScheduled }: { value: Case; onScheduled: () => void }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const courts = useList(clients, "casework:courts");
  const purposes = useList(clients, "casework:hearing_purposes");
  const [court, setCourt] = useState(value.court ?? "");
  const [chamber, setChamber] = useState("");
  const [startsAt, setStartsAt] = useState("");
  const [purpose, setPurpose] = useState("");
  const { problem, busy, done, submit } = useSubmit(() => scheduleHearing(clients, value.id, { court,
    chamber: chamber || null, starts_at: bamakoLocal(startsAt), purpose }), () => {
    setStartsAt("");
    onScheduled();
  });
  return (
    <form onSubmit={(e) => void submit(e)} aria-label={t("hearings.schedule")}>
      <h3>{t("hearings.schedule")}</h3>
      {done && <Status kind="ok">{t("hearings.scheduled")}</Status>}
      <div className="row">
        <Field label={t("field.court")} error={errorFor(problem, "court")}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={court} required onChange={(e) => setCourt(e.target.value)}>
              <option value="">{t("common.choose")}</option>
              {courts.map((c) => <option key={c.code} value={c.code}>{labelIn(courts, c.code, language)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t("field.chamber")} error={errorFor(problem, "chamber")}>
          {(id, d) => <input id={id} aria-describedby={d} value={chamber} onChange={(e) => setChamber(e.target.value)} />}
        </Field>
        <Field label={t("field.starts_at")} hint={t("hearings.bamakoTime")} error={errorFor(problem, "starts_at")}>
          {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" value={startsAt} required
            onChange={(e) => setStartsAt(e.target.value)} />}
        </Field>
        <Field label={t("field.purpose")} error={errorFor(problem, "purpose")}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={purpose} required onChange={(e) => setPurpose(e.target.value)}>
              <option value="">{t("common.choose")}</option>
              {purposes.map((p) => <option key={p.code} value={p.code}>{labelIn(purposes, p.code, language)}</option>)}
            </select>
          )}
        </Field>
      </div>
      <FormProblem problem={problem} fields={["court", "chamber", "starts_at", "purpose"]} />
      <button type="submit" className="primary" disabled={busy}>{t("hearings.scheduleConfirm")}</button>
    </form>
  );
}
