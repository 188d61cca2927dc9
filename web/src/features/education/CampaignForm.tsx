// Launching a campaign: its goals, topics, period and a target per region (young people and sessions).
// A retried click launches it once: the API client keys the command.
import { useState, type FormEvent } from "react";
import { useServices } from "../../app/context";
import { Field, FormProblem, Status, errorFor } from "../../app/ui";
import { asProblem } from "../../lib/api/load";
import { useI18n } from "../../lib/i18n/i18n";
import type { Problem } from "../../lib/queue/model";
import { labelIn, useList } from "../../lib/vocab/terms";
import { launchCampaign } from "./queries";

interface Target {
  region: string;
  youth: string;
  sessions: string;
}

export function CampaignForm({ onLaunched }: { onLaunched: () => void }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const regions = useList(clients, "education:regions");
  const topics = useList(clients, "education:topics");
  const [name, setName] = useState("");
  const [goals, setGoals] = useState("");
  const [topic, setTopic] = useState("");
  const [period, setPeriod] = useState({ start: "", end: "" });
  const [targets, setTargets] = useState<Target[]>([{ region: "", youth: "", sessions: "" }]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState(false);
  const setTarget = (i: number, change: Partial<Target>) =>
    setTargets(targets.map((x, j) => (j === i ? { ...x, ...change } : x)));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setDone(false);
    try {
      await launchCampaign(clients, { name, goals: goals.split("\n").map((g) => g.trim()).filter(Boolean),
        topics: topic ? [topic] : [], period_start: period.start, period_end: period.end,
        targets: targets.map((x) => ({ region: x.region, youth_target: Number(x.youth || 0),
          sessions_target: Number(x.sessions || 0) })) });
      setDone(true);
      onLaunched();
    } catch (e) {
      setProblem(asProblem(e));
    }
  };
  return (
    <details className="subform">
      <summary>{t("campaigns.launch")}</summary>
      <form onSubmit={submit} aria-label={t("campaigns.launch")}>
        <Field label={t("campaigns.name")} error={errorFor(problem, "name")}>
          {(id, d) => <input id={id} aria-describedby={d} value={name} required onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t("campaigns.goals")} hint={t("campaigns.goalsHint")} error={errorFor(problem, "goals")}>
          {(id, d) => <textarea id={id} aria-describedby={d} rows={2} value={goals} required
            onChange={(e) => setGoals(e.target.value)} />}
        </Field>
        <Field label={t("campaigns.topic")} error={errorFor(problem, "topics")}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={topic} required onChange={(e) => setTopic(e.target.value)}>
              <option value="">{t("common.choose")}</option>
              {topics.map((x) => <option key={x.code} value={x.code}>{labelIn(topics, x.code, language)}</option>)}
            </select>
          )}
        </Field>
        <div className="row">
          <Field label={t("field.period_start")} error={errorFor(problem, "period_start")}>
            {(id, d) => <input id={id} aria-describedby={d} type="date" value={period.start} required
              onChange={(e) => setPeriod({ ...period, start: e.target.value })} />}
          </Field>
          <Field label={t("field.period_end")} error={errorFor(problem, "period_end")}>
            {(id, d) => <input id={id} aria-describedby={d} type="date" value={period.end} required
              onChange={(e) => setPeriod({ ...period, end: e.target.value })} />}
          </Field>
        </div>
        {targets.map((x, i) => (
          <fieldset key={i} className="plain row row-3">
            <legend>{t("campaigns.target", { n: i + 1 })}</legend>
            <Field label={t("field.region")} error={errorFor(problem, `targets.${i}.region`)}>
              {(id, d) => (
                <select id={id} aria-describedby={d} value={x.region} required onChange={(e) => setTarget(i, { region: e.target.value })}>
                  <option value="">{t("common.choose")}</option>
                  {regions.map((r) => <option key={r.code} value={r.code}>{labelIn(regions, r.code, language)}</option>)}
                </select>
              )}
            </Field>
            <Field label={t("campaigns.youthTarget")} error={errorFor(problem, `targets.${i}.youth_target`)}>
              {(id, d) => <input id={id} aria-describedby={d} type="number" min={0} value={x.youth} required
                onChange={(e) => setTarget(i, { youth: e.target.value })} />}
            </Field>
            <Field label={t("campaigns.sessionsTarget")} error={errorFor(problem, `targets.${i}.sessions_target`)}>
              {(id, d) => <input id={id} aria-describedby={d} type="number" min={0} value={x.sessions} required
                onChange={(e) => setTarget(i, { sessions: e.target.value })} />}
            </Field>
          </fieldset>
        ))}
        <p className="actions">
          <button type="button" onClick={() => setTargets([...targets, { region: "", youth: "", sessions: "" }])}>
            {t("campaigns.addTarget")}</button>
        </p>
        <FormProblem problem={problem} fields={["name", "goals", "topics", "period_start", "period_end", "region",
          "youth_target", "sessions_target"]} />
        {done && <Status kind="ok">{t("campaigns.launched")}</Status>}
        <p className="actions"><button type="submit" className="primary">{t("campaigns.launchButton")}</button></p>
      </form>
    </details>
  );
}
