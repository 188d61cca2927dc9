// Who follows the case: its lawyers (case managers assign and take off; the service keeps at least one),
// and the court now seized of it.
import { useState, type FormEvent } from "react";
import { useServices } from "../../app/context";
import { ConfirmButton, Field, FormProblem, ProblemView, errorFor } from "../../app/ui";
import { asProblem } from "../../lib/api/load";
import { useSession } from "../../lib/auth/session";
import { useSubmit } from "../../lib/api/submit";
import { useI18n } from "../../lib/i18n/i18n";
import type { Problem } from "../../lib/queue/model";
import { labelIn, useList } from "../../lib/vocab/terms";
import { assignLawyer, changeCourt, unassignLawyer, type Case } from "./queries";

export function LawyersPanel({ value, onChanged }: { value: Case; onChanged: () => void }) {
  const { t } = useI18n();
  const { clients } = useServices();
  const session = useSession();
  const manager = session.hasRole("case_manager");
  const [lawyer, setLawyer] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const act = async (action: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await action();
      setLawyer("");
      onChanged();
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void act(() => assignLawyer(clients, value.id, lawyer.trim()));
  };
  return (
    <section className="subform" aria-labelledby="lawyers-title">
      <h2 id="lawyers-title">{t("field.lawyers")}</h2>
      <ul className="plain-list">
        {value.lawyers.map((l) => (
          <li key={l} data-testid="lawyer">
            <code>{l}</code>{l === session.claims?.sub && <> ({t("case.you")})</>}
            {manager && value.status === "open" && value.lawyers.length > 1 && (
              <ConfirmButton label={t("case.unassign")} question={t("case.unassignConfirm")} yes={t("case.unassign")}
                onConfirm={() => act(() => unassignLawyer(clients, value.id, l))} />
            )}
          </li>
        ))}
      </ul>
      {manager && value.status === "open" && (
        <form onSubmit={submit} aria-label={t("case.assign")}>
          <Field label={t("field.lawyer_id")} hint={t("case.lawyerHint")} error={errorFor(problem, "lawyer_id")}>
            {(id, d) => <input id={id} aria-describedby={d} value={lawyer} required autoComplete="off"
              onChange={(e) => setLawyer(e.target.value)} />}
          </Field>
          <button type="submit">{t("case.assign")}</button>
        </form>
      )}
      {problem && (manager ? <FormProblem problem={problem} fields={["lawyer_id"]} /> : <ProblemView problem={problem} />)}
    </section>
  );
}

export function CourtForm({ value, onChanged }: { value: Case; onChanged: () => void }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const courts = useList(clients, "casework:courts");
  const [court, setCourt] = useState(value.court ?? "");
  const { problem, submit } = useSubmit(() => changeCourt(clients, value.id, court), onChanged);
  return (
    <form className="subform" onSubmit={(e) => void submit(e)} aria-label={t("case.court")}>
      <Field label={t("case.court")} error={errorFor(problem, "court")}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={court} required onChange={(e) => setCourt(e.target.value)}>
            <option value="">{t("common.choose")}</option>
            {courts.map((c) => <option key={c.code} value={c.code}>{labelIn(courts, c.code, language)}</option>)}
          </select>
        )}
      </Field>
      <FormProblem problem={problem} fields={["court"]} />
      <button type="submit" disabled={!court || court === value.court}>{t("case.saveCourt")}</button>
    </form>
  );
}
