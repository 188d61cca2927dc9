// Region -> cercle -> commune, from intake's regions vocabulary (2023 map), in the user's language.
import { Field } from "../../app/ui";
import { VocabSelect } from "../../app/VocabSelect";
import { useServices } from "../../app/context";
import { useI18n } from "../../lib/i18n/i18n";
import { useDevice } from "../../lib/queue/device";
import { useVocabulary } from "../../lib/vocab/vocab";

export interface Location {
  region: string;
  cercle: string;
  commune: string;
}

export function LocationPicker({ value, onChange }: { value: Location; onChange: (l: Location) => void }) {
  const { t } = useI18n();
  const { clients } = useServices();
  const { online } = useDevice();
  const regions = useVocabulary(clients, "regions", online);
  const cercles = regions?.terms.find((r) => r.code === value.region)?.children ?? [];
  const communes = cercles.find((c) => c.code === value.cercle)?.children ?? [];
  const leafless = (terms: typeof cercles) => terms.map(({ children: _c, ...term }) => term);
  return (
    <div className="row row-3">
      <Field label={t("field.region")}>
        {(id) => <VocabSelect id={id} terms={regions ? leafless(regions.terms) : []} value={value.region} required
          onChange={(region) => onChange({ region, cercle: "", commune: "" })} />}
      </Field>
      <Field label={t("field.cercle")}>
        {(id) => <VocabSelect id={id} terms={leafless(cercles)} value={value.cercle} empty={t("common.unknown")}
          onChange={(cercle) => onChange({ ...value, cercle, commune: "" })} />}
      </Field>
      <Field label={t("field.commune")}>
        {(id) => <VocabSelect id={id} terms={communes} value={value.commune} empty={t("common.unknown")}
          onChange={(commune) => onChange({ ...value, commune })} />}
      </Field>
    </div>
  );
}
