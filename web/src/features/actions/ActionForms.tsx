// The officer's forms: log an action, make a recommendation, move a recommendation to a status the
// vocabulary allows next. The API client keys each command, so a retried click does it once.
import { useState, type ReactNode } from "react";
import { useServices } from "../../app/context";
import { Field, FormProblem, Status, errorFor } from "../../app/ui";
import { useSubmit, type Submission } from "../../lib/api/submit";
import { todayInBamako } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import type { Problem } from "../../lib/queue/model";
import { labelIn, useList, type ListName } from "../../lib/vocab/terms";
import type { Term } from "../../lib/vocab/vocab";
import { changeStatus, logAction, makeRecommendation, type Recommendation } from "./queries";

function Pick({ label, list, value, onChange, problem, name, terms }: { label: string; list?: ListName;
  value: string; onChange: (v: string) => void; problem: Problem | null; name: string; terms?: Term[] }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const loaded = useList(clients, list ?? "advocacy:target_bodies");
  const shown = terms ?? loaded;
  return (
    <Field label={label} error={errorFor(problem, name)}>
      {(id, d) => (
        <select id={id} aria-describedby={d} value={value} required onChange={(e) => onChange(e.target.value)}>
          <option value="">{t("common.choose")}</option>
          {shown.map((term) => <option key={term.code} value={term.code}>{labelIn(shown, term.code, language)}</option>)}
        </select>
      )}
    </Field>
  );
}

function Shell({ title, children, state, fields, button }: { title: string; children: ReactNode; fields: string[];
  state: Submission; button: string }) {
  const { t } = useI18n();
  return (
    <form className="subform" onSubmit={(e) => void state.submit(e)} aria-label={title}>
      <h3>{title}</h3>
      {children}
      <FormProblem problem={state.problem} fields={fields} />
      {state.done && <Status kind="ok">{t("actions.saved")}</Status>}
      <p className="actions"><button type="submit" className="primary" disabled={state.busy}>{button}</button></p>
    </form>
  );
}

export function ActionForm({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const { clients } = useServices();
  const empty = { target_body: "", action_type: "", taken_on: todayInBamako(), title: "", summary: "" };
  const [body, setBody] = useState(empty);
  const state = useSubmit(() => logAction(clients, { ...body, summary: body.summary || null }),
    () => { setBody(empty); onDone(); });
  return (
    <Shell title={t("actions.log")} state={state} button={t("actions.logButton")}
      fields={["target_body", "action_type", "taken_on", "title", "summary"]}>
      <Field label={t("field.title")} error={errorFor(state.problem, "title")}>
        {(id, d) => <input id={id} aria-describedby={d} value={body.title} required
          onChange={(e) => setBody({ ...body, title: e.target.value })} />}
      </Field>
      <div className="row">
        <Pick label={t("actions.targetBody")} list="advocacy:target_bodies" value={body.target_body} name="target_body"
          problem={state.problem} onChange={(v) => setBody({ ...body, target_body: v })} />
        <Pick label={t("actions.type")} list="advocacy:action_types" value={body.action_type} name="action_type"
          problem={state.problem} onChange={(v) => setBody({ ...body, action_type: v })} />
      </div>
      <Field label={t("actions.takenOn")} error={errorFor(state.problem, "taken_on")}>
        {(id, d) => <input id={id} aria-describedby={d} type="date" value={body.taken_on} required
          onChange={(e) => setBody({ ...body, taken_on: e.target.value })} />}
      </Field>
      <Field label={t("actions.summary")} hint={t("actions.noPersonalData")} error={errorFor(state.problem, "summary")}>
        {(id, d) => <textarea id={id} aria-describedby={d} rows={3} value={body.summary}
          onChange={(e) => setBody({ ...body, summary: e.target.value })} />}
      </Field>
    </Shell>
  );
}

export function RecommendationForm({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const { clients } = useServices();
  const empty = { addressee: "", text: "", made_on: todayInBamako() };
  const [body, setBody] = useState(empty);
  const state = useSubmit(() => makeRecommendation(clients, body),
    () => { setBody(empty); onDone(); });
  return (
    <Shell title={t("actions.recommend")} state={state} button={t("actions.recommendButton")}
      fields={["addressee", "text", "made_on"]}>
      <Pick label={t("actions.addressee")} list="advocacy:target_bodies" value={body.addressee} name="addressee"
        problem={state.problem} onChange={(v) => setBody({ ...body, addressee: v })} />
      <Field label={t("actions.text")} hint={t("actions.noPersonalData")} error={errorFor(state.problem, "text")}>
        {(id, d) => <textarea id={id} aria-describedby={d} rows={3} value={body.text} required
          onChange={(e) => setBody({ ...body, text: e.target.value })} />}
      </Field>
      <Field label={t("actions.madeOn")} error={errorFor(state.problem, "made_on")}>
        {(id, d) => <input id={id} aria-describedby={d} type="date" value={body.made_on} required
          onChange={(e) => setBody({ ...body, made_on: e.target.value })} />}
      </Field>
    </Shell>
  );
}

export function StatusForm({ value, onDone }: { value: Recommendation; onDone: () => void }) {
  const { t } = useI18n();
  const { clients } = useServices();
  const statuses = useList(clients, "advocacy:recommendation_statuses");
  const next = ((statuses.find((s) => s.code === value.status)?.next as string[] | undefined) ?? []);
  const [body, setBody] = useState({ to_status: "", changed_on: todayInBamako(), note: "" });
  const state = useSubmit(() => changeStatus(clients, value.id, { ...body, note: body.note || null }), onDone);
  if (next.length === 0) return null;
  return (
    <Shell title={t("actions.changeStatus")} state={state} button={t("actions.changeButton")}
      fields={["to_status", "changed_on", "note"]}>
      <div className="row">
        <Pick label={t("actions.toStatus")} terms={statuses.filter((s) => next.includes(s.code))} value={body.to_status}
          name="to_status" problem={state.problem} onChange={(v) => setBody({ ...body, to_status: v })} />
        <Field label={t("actions.changedOn")} error={errorFor(state.problem, "changed_on")}>
          {(id, d) => <input id={id} aria-describedby={d} type="date" value={body.changed_on} required
            onChange={(e) => setBody({ ...body, changed_on: e.target.value })} />}
        </Field>
      </div>
      <Field label={t("actions.note")} error={errorFor(state.problem, "note")}>
        {(id, d) => <input id={id} aria-describedby={d} value={body.note}
          onChange={(e) => setBody({ ...body, note: e.target.value })} />}
      </Field>
    </Shell>
  );
}
