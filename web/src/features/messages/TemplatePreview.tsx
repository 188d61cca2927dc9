// A template of each kind in French, Bambara or English, as notify renders it with sample values.
import { useState } from "react";
import { useServices } from "../../app/context";
import { Field, ProblemView, useCodeLabel } from "../../app/ui";
import { useLoad } from "../../lib/api/load";
import { useI18n, type MessageKey } from "../../lib/i18n/i18n";
import { KINDS, TEMPLATE_LANGUAGES, previewTemplate, type MessageKind } from "./queries";

export function TemplatePreview() {
  const { t } = useI18n();
  const { clients } = useServices();
  const code = useCodeLabel();
  const [kind, setKind] = useState<MessageKind>("hearing_scheduled");
  const [language, setLanguage] = useState<string>("fr");
  const preview = useLoad(() => previewTemplate(clients, kind, language), [clients, kind, language]);
  return (
    <div className="subform" data-testid="template-preview">
      <h2>{t("messages.templates")}</h2>
      <div className="row">
        <Field label={t("messages.kind")}>
          {(id) => (
            <select id={id} value={kind} onChange={(e) => setKind(e.target.value as MessageKind)}>
              {KINDS.map((k) => <option key={k} value={k}>{code("message.kind", k)}</option>)}
            </select>
          )}
        </Field>
        <Field label={t("messages.templateLanguage")}>
          {(id) => (
            <select id={id} value={language} onChange={(e) => setLanguage(e.target.value)}>
              {TEMPLATE_LANGUAGES.map((l) => <option key={l} value={l}>{t(`language.${l}` as MessageKey)}</option>)}
            </select>
          )}
        </Field>
      </div>
      {preview.problem && <ProblemView problem={preview.problem} />}
      {preview.data && (
        <blockquote className="preview" lang={preview.data.language}>
          <p>{preview.data.body}</p>
          <footer className="meta">{t("messages.version", { version: preview.data.version })} · {t("messages.sms", {
            segments: preview.data.sms.segments, encoding: preview.data.sms.encoding })}</footer>
        </blockquote>
      )}
    </div>
  );
}
