// A select of vocabulary terms in the user's language; hierarchies are indented under their parent.
import { useServices } from "./context";
import { useI18n } from "../lib/i18n/i18n";
import { useDevice } from "../lib/queue/device";
import { flatten, label, useVocabulary, type IntakeVocabulary, type Term } from "../lib/vocab/vocab";

interface Props {
  id: string;
  describedBy?: string | undefined;
  vocabulary?: IntakeVocabulary;
  terms?: Term[];
  value: string;
  onChange: (code: string) => void;
  required?: boolean;
  empty?: string;
}

export function VocabSelect({ id, describedBy, vocabulary, terms, value, onChange, required, empty }: Props) {
  const { language, t } = useI18n();
  const { clients } = useServices();
  const { online } = useDevice();
  const loaded = useVocabulary(vocabulary ? clients : null, vocabulary ?? "regions", online);
  const list = terms ?? (vocabulary ? loaded?.terms ?? [] : []);
  return (
    <select id={id} aria-describedby={describedBy} value={value} required={required}
      onChange={(e) => onChange(e.target.value)}>
      <option value="">{empty ?? t("common.choose")}</option>
      {flatten(list).map(({ term, depth }) => (
        <option key={term.code} value={term.code}>{"\u2003".repeat(depth) + label(term, language)}</option>
      ))}
    </select>
  );
}
