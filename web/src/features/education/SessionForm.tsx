// Recording a session that was held: where, what about, and its audience counted by sex and age band
// (never names). A retried click records it once: the API client keys the command.
import { useState } from "react";
import { useServices } from "../../app/context";
import { Field, FormProblem, Status, errorFor, useCodeLabel } from "../../app/ui";
import { useSubmit } from "../../lib/api/submit";
import { useI18n } from "../../lib/i18n/i18n";
import { labelIn, useList } from "../../lib/vocab/terms";
import { SEXES, recordSession, type Campaign } from "./queries";

type Counts = Record<string, string>;

export function SessionForm({ campaigns, onRecorded }: { campaigns: Campaign[]; onRecorded: () => void }) {
  const { t, language } = useI18n();
  const { clients } = useServices();
  const code = useCodeLabel();
  const regions = useList(clients, "education:regions");
  const venues = useList(clients, "education:venues");
  const topics = useList(clients, "education:topics");
  const bands = useList(clients, "education:age_bands");
  const [heldOn, setHeldOn] = useState("");
  const [region, setRegion] = useState("");
  const [venue, setVenue] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [campaign, setCampaign] = useState("");
  const [counts, setCounts] = useState<Counts>({});
  const audience = () => SEXES.flatMap((sex) => bands.map((b) => ({ sex, age_band: b.code,
    count: Number(counts[`${sex}:${b.code}`] || 0) }))).filter((a) => a.count > 0);
  const { problem, busy, done, submit } = useSubmit(() => recordSession(clients, { held_on: heldOn, region, venue,
    topics: chosen, audience: audience(), campaign_id: campaign || null }), () => {
    setCounts({});
    onRecorded();
  });
  const toggle = (topic: string) =>
    setChosen(chosen.includes(topic) ? chosen.filter((x) => x !== topic) : [...chosen, topic]);
  return (
    <form className="subform" onSubmit={(e) => void submit(e)} aria-label={t("sessions.record")}>
      <h2>{t("sessions.record")}</h2>
      <div className="row">
        <Field label={t("sessions.heldOn")} error={errorFor(problem, "held_on")}>
          {(id, d) => <input id={id} aria-describedby={d} type="date" value={heldOn} required
            onChange={(e) => setHeldOn(e.target.value)} />}
        </Field>
        <Field label={t("field.region")} error={errorFor(problem, "region")}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={region} required onChange={(e) => setRegion(e.target.value)}>
              <option value="">{t("common.choose")}</option>
              {regions.map((r) => <option key={r.code} value={r.code}>{labelIn(regions, r.code, language)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t("sessions.venue")} error={errorFor(problem, "venue")}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={venue} required onChange={(e) => setVenue(e.target.value)}>
              <option value="">{t("common.choose")}</option>
              {venues.map((v) => <option key={v.code} value={v.code}>{labelIn(venues, v.code, language)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t("sessions.campaign")} error={errorFor(problem, "campaign_id")}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={campaign} onChange={(e) => setCampaign(e.target.value)}>
              <option value="">{t("sessions.noCampaign")}</option>
              {campaigns.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </select>
          )}
        </Field>
      </div>
      <fieldset className="plain">
        <legend>{t("sessions.topics")}</legend>
        {topics.map((topic) => (
          <label key={topic.code} className="check"><input type="checkbox" checked={chosen.includes(topic.code)}
            onChange={() => toggle(topic.code)} /> {labelIn(topics, topic.code, language)}</label>
        ))}
        {errorFor(problem, "topics") && <p className="error">{errorFor(problem, "topics")}</p>}
      </fieldset>
      <fieldset className="plain audience">
        <legend>{t("sessions.audience")}</legend>
        <p className="hint">{t("sessions.audienceHint")}</p>
        {SEXES.map((sex) => (
          <div key={sex} className="row row-3">
            {bands.map((b) => (
              <Field key={b.code} label={`${code("victim.sex", sex)} · ${labelIn(bands, b.code, language)}`}>
                {(id) => <input id={id} type="number" min={0} inputMode="numeric" value={counts[`${sex}:${b.code}`] ?? ""}
                  onChange={(e) => setCounts({ ...counts, [`${sex}:${b.code}`]: e.target.value })} />}
              </Field>
            ))}
          </div>
        ))}
        {errorFor(problem, "audience") && <p className="error">{errorFor(problem, "audience")}</p>}
      </fieldset>
      <FormProblem problem={problem} fields={["held_on", "region", "venue", "campaign_id", "topics", "audience"]} />
      {done && <Status kind="ok">{t("sessions.recorded")}</Status>}
      <p className="actions"><button type="submit" className="primary" disabled={busy}>{t("sessions.save")}</button></p>
    </form>
  );
}
