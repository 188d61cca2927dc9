// A case's stage timeline, and the moves casework offers next (allowed_next, per track): the app never
// keeps its own list of moves. Closing asks for a reason from the procedure vocabulary.
import { useState } from "react";
import { useServices } from "../../app/context";
import { Field, FormProblem, Status, errorFor } from "../../app/ui";
import { formatDay, todayInBamako } from "../../lib/i18n/dates";
import { useSubmit } from "../../lib/api/submit";
import { useI18n } from "../../lib/i18n/i18n";
import { labelIn, useProcedure, type Track } from "../../lib/vocab/terms";
import { changeStage, type Case } from "./queries";

export function StagePanel({ value, onChanged }: { value: Case; onChanged: () => void }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const tracks = useProcedure(clients);
  const trackOf = (code: string) => tracks.find((track) => track.code === code);
  const stageLabel = (track: string, stage: string) => labelIn(trackOf(track)?.stages ?? [], stage, language);
  const history = [...(value.history ?? [])].reverse();
  return (
    <section className="subform" id="stages" aria-labelledby="stages-title">
      <h2 id="stages-title">{t("case.stages")}</h2>
      <ol className="timeline" data-testid="stage-timeline">
        {history.map((step, i) => (
          <li key={i}>
            <strong>{formatDay(step.effective_on, language)}</strong> · {labelIn(tracks, step.track, language)}
            {t("common.colon")}{stageLabel(step.track, step.from_stage)} → {stageLabel(step.track, step.to_stage)}
          </li>
        ))}
        <li><strong>{formatDay(value.opened_on, language)}</strong> · {t("case.opened")}</li>
      </ol>
      {value.status === "open" && <MoveForm value={value} tracks={tracks} onChanged={onChanged} />}
    </section>
  );
}

function MoveForm({ value, tracks, onChanged }: { value: Case; tracks: Track[]; onChanged: () => void }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const offered = Object.entries(value.allowed_next).filter(([, next]) => next.length > 0);
  const [track, setTrack] = useState("domestic");
  const [toStage, setToStage] = useState("");
  const [reason, setReason] = useState("");
  const [on, setOn] = useState(todayInBamako());
  const { problem, busy, done, submit } = useSubmit(() => changeStage(clients, value.id, { track, to_stage: toStage,
    effective_on: on, closure_reason: toStage === "closed" ? reason : null }), () => {
    setToStage("");
    onChanged();
  });
  const current = tracks.find((x) => x.code === track);
  const next = value.allowed_next[track] ?? [];
  const from = track === "domestic" ? value.stage : (value.tracks?.[track] ?? current?.initial ?? "");
  // Which reasons may close from the current stage is the vocabulary's data ("from"), read as it is.
  const reasons = (current?.closure_reasons ?? []).filter((r) => r.from.includes(from) || r.from.includes("*"));
  if (offered.length === 0) return <p>{t("case.noMoves")}</p>;

  return (
    <form onSubmit={(e) => void submit(e)} aria-label={t("case.move")}>
      <h3>{t("case.move")}</h3>
      {done && <Status kind="ok">{t("case.moved")}</Status>}
      <div className="row">
        <Field label={t("field.track")} error={errorFor(problem, "track")}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={track} onChange={(e) => { setTrack(e.target.value); setToStage(""); }}>
              {offered.map(([code]) => <option key={code} value={code}>{labelIn(tracks, code, language)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t("field.to_stage")} hint={t("case.fromStage", { stage: labelIn(current?.stages ?? [], from,
          language) })} error={errorFor(problem, "to_stage")}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={toStage} required onChange={(e) => setToStage(e.target.value)}>
              <option value="">{t("common.choose")}</option>
              {next.map((code) => <option key={code} value={code}>{labelIn(current?.stages ?? [], code, language)}</option>)}
            </select>
          )}
        </Field>
        {toStage === "closed" && (
          <Field label={t("field.closure_reason")} error={errorFor(problem, "closure_reason")}>
            {(id, d) => (
              <select id={id} aria-describedby={d} value={reason} required onChange={(e) => setReason(e.target.value)}>
                <option value="">{t("common.choose")}</option>
                {reasons.map((r) => <option key={r.code} value={r.code}>{labelIn(reasons, r.code, language)}</option>)}
              </select>
            )}
          </Field>
        )}
        <Field label={t("field.effective_on")} error={errorFor(problem, "effective_on")}>
          {(id, d) => <input id={id} aria-describedby={d} type="date" value={on} required
            onChange={(e) => setOn(e.target.value)} />}
        </Field>
      </div>
      <FormProblem problem={problem} fields={["track", "to_stage", "closure_reason", "effective_on"]} />
      <button type="submit" className="primary" disabled={busy || !toStage}>{t("case.applyMove")}</button>
    </form>
  );
}
