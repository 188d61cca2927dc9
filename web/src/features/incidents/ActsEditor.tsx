// The acts of an incident: a violation type from the hierarchy, the victims it struck (queued on this
// device or already known to intake) and its alleged perpetrators with their degree of involvement.
import { Field } from "../../app/ui";
import { VocabSelect } from "../../app/VocabSelect";
import { useI18n } from "../../lib/i18n/i18n";
import { localRef, type QueueItem } from "../../lib/queue/model";

export interface PerpetratorDraft {
  category: string;
  unit: string;
  involvement: string;
}

export interface ActDraft {
  violation_type: string;
  victim_ids: string[];
  perpetrators: PerpetratorDraft[];
}

export const emptyPerpetrator: PerpetratorDraft = { category: "", unit: "", involvement: "" };
export const emptyAct: ActDraft = { violation_type: "", victim_ids: [], perpetrators: [] };

export function victimSummary(item: QueueItem, t: ReturnType<typeof useI18n>["t"]): string {
  const p = item.payload as { sex?: string; age_band?: string };
  return t("victim.summary", { ref: item.seq, sex: t(`victim.sex.${p.sex ?? "unknown"}` as never),
    age: p.age_band ?? "" });
}

export function actPayload(act: ActDraft): Record<string, unknown> {
  return {
    violation_type: act.violation_type,
    victim_ids: act.victim_ids,
    perpetrators: act.perpetrators.filter((p) => p.category).map((p) => ({
      category: p.category, involvement: p.involvement, ...(p.unit.trim() ? { unit: p.unit.trim() } : {}),
    })),
  };
}

export function ActsEditor({ acts, onChange, victims }:
  { acts: ActDraft[]; onChange: (acts: ActDraft[]) => void; victims: QueueItem[] }) {
  const { t } = useI18n();
  const update = (index: number, patch: Partial<ActDraft>) =>
    onChange(acts.map((a, i) => (i === index ? { ...a, ...patch } : a)));
  return (
    <fieldset>
      <legend>{t("incident.acts")}</legend>
      {acts.map((act, index) => (
        <div className="subform" key={index}>
          <h3>{t("incident.act", { n: index + 1 })}</h3>
          <Field label={t("field.violation_type")}>
            {(id) => <VocabSelect id={id} vocabulary="violation_types" value={act.violation_type} required
              onChange={(violation_type) => update(index, { violation_type })} />}
          </Field>
          <fieldset className="plain">
            <legend>{t("incident.victims")}</legend>
            {victims.length === 0 && <p className="hint">{t("incident.noQueuedVictims")}</p>}
            {victims.map((v) => {
              const ref = v.serverId ?? localRef(v.id);
              return (
                <label key={v.id} className="check">
                  <input type="checkbox" checked={act.victim_ids.includes(ref)} onChange={(e) => update(index, {
                    victim_ids: e.target.checked ? [...act.victim_ids, ref] : act.victim_ids.filter((x) => x !== ref),
                  })} /> {victimSummary(v, t)}
                </label>
              );
            })}
          </fieldset>
          {act.perpetrators.map((p, pi) => {
            const setP = (patch: Partial<PerpetratorDraft>) => update(index, {
              perpetrators: act.perpetrators.map((x, j) => (j === pi ? { ...x, ...patch } : x)),
            });
            return (
              <div className="row row-3" key={pi}>
                <Field label={t("field.category")}>
                  {(id) => <VocabSelect id={id} vocabulary="perpetrator_categories" value={p.category} required
                    onChange={(category) => setP({ category })} />}
                </Field>
                <Field label={t("field.unit")}>
                  {(id) => <input id={id} value={p.unit} onChange={(e) => setP({ unit: e.target.value })} />}
                </Field>
                <Field label={t("field.involvement")}>
                  {(id) => <VocabSelect id={id} vocabulary="involvement_degrees" value={p.involvement} required
                    onChange={(involvement) => setP({ involvement })} />}
                </Field>
              </div>
            );
          })}
          <p className="actions">
            <button type="button" onClick={() => update(index, { perpetrators: [...act.perpetrators, emptyPerpetrator] })}>
              {t("incident.addPerpetrator")}
            </button>
            {acts.length > 1 && (
              <button type="button" onClick={() => onChange(acts.filter((_, i) => i !== index))}>
                {t("incident.removeAct")}
              </button>
            )}
          </p>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...acts, emptyAct])}>{t("incident.addAct")}</button>
    </fieldset>
  );
}
