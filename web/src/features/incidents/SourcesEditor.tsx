// Sources of an incident, rated on the Admiralty scale (reliability A-F, credibility 1-6) from intake.
import { useServices } from "../../app/context";
import { Field } from "../../app/ui";
import { VocabSelect } from "../../app/VocabSelect";
import { useI18n } from "../../lib/i18n/i18n";
import { useDevice } from "../../lib/queue/device";
import { useVocabulary } from "../../lib/vocab/vocab";

export const SOURCE_KINDS = ["victim_testimony", "witness_testimony", "document", "photo_video", "media_report",
  "official_statement", "medical_report", "other"] as const;

export interface SourceDraft {
  kind: string;
  reliability: string;
  credibility: string;
}

export function SourcesEditor({ sources, onChange }: { sources: SourceDraft[]; onChange: (s: SourceDraft[]) => void }) {
  const { t } = useI18n();
  const { clients } = useServices();
  const { online } = useDevice();
  const reliability = useVocabulary(clients, "source_reliability", online);
  const update = (index: number, patch: Partial<SourceDraft>) =>
    onChange(sources.map((s, i) => (i === index ? { ...s, ...patch } : s)));
  return (
    <fieldset>
      <legend>{t("incident.sources")}</legend>
      {sources.map((source, index) => (
        <div className="row row-3" key={index}>
          <Field label={t("field.kind")}>
            {(id) => (
              <select id={id} value={source.kind} required onChange={(e) => update(index, { kind: e.target.value })}>
                <option value="">{t("common.choose")}</option>
                {SOURCE_KINDS.map((k) => <option key={k} value={k}>{t(`source.kind.${k}`)}</option>)}
              </select>
            )}
          </Field>
          <Field label={t("field.reliability")}>
            {(id) => <VocabSelect id={id} vocabulary="source_reliability" value={source.reliability} required
              onChange={(r) => update(index, { reliability: r })} />}
          </Field>
          <Field label={t("field.credibility")}>
            {(id) => <VocabSelect id={id} terms={reliability?.credibility_scale ?? []} value={source.credibility}
              required onChange={(c) => update(index, { credibility: c })} />}
          </Field>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...sources, { kind: "", reliability: "", credibility: "6" }])}>
        {t("incident.addSource")}
      </button>
    </fieldset>
  );
}
