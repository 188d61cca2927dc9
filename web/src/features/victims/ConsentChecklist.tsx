// Consent per purpose, each a sentence the monitor reads aloud in the victim's language and ticks only
// when the victim agrees; nothing is ticked by default.
import { Field } from "../../app/ui";
import { translate, useI18n, type Language, type MessageKey } from "../../lib/i18n/i18n";

export interface ConsentState {
  legal_support: boolean;
  statistics: boolean;
  sharing: string[];
  notifications: {
    granted: boolean; channel: "sms" | "email"; language: "fr" | "bm" | "en";
    safe_hours_start: string; safe_hours_end: string; shared_phone: boolean;
  };
}

export const emptyConsent: ConsentState = {
  legal_support: false, statistics: false, sharing: [],
  notifications: { granted: false, channel: "sms", language: "fr", safe_hours_start: "08:00",
    safe_hours_end: "18:00", shared_phone: false },
};

// Organisations of the coalition a victim may agree to share the file with.
export const SHARING_ORGANISATIONS = ["org-legal", "org-wildaf", "org-fidh"] as const;

export function ConsentChecklist({ consent, onChange, readIn, onReadIn }: {
  consent: ConsentState; onChange: (c: ConsentState) => void; readIn: Language; onReadIn: (l: Language) => void;
}) {
  const { t } = useI18n();
  const say = (key: MessageKey) => translate(readIn, key);
  const notify = consent.notifications;
  const setNotify = (patch: Partial<ConsentState["notifications"]>) =>
    onChange({ ...consent, notifications: { ...notify, ...patch } });
  const toggleSharing = (org: string, on: boolean) =>
    onChange({ ...consent, sharing: on ? [...consent.sharing, org] : consent.sharing.filter((o) => o !== org) });
  return (
    <fieldset className="consent">
      <legend>{t("consent.title")}</legend>
      <p className="hint">{t("consent.readAloud")}</p>
      <Field label={t("consent.readIn")}>
        {(id) => (
          <select id={id} value={readIn} onChange={(e) => onReadIn(e.target.value as Language)}>
            <option value="fr">Français</option>
            <option value="en">English</option>
          </select>
        )}
      </Field>
      <ol className="checklist" lang={readIn}>
        <li>
          <label><input type="checkbox" checked={consent.legal_support}
            onChange={(e) => onChange({ ...consent, legal_support: e.target.checked })} /> {say("consent.legal")}</label>
        </li>
        <li>
          <label><input type="checkbox" checked={notify.granted}
            onChange={(e) => setNotify({ granted: e.target.checked })} /> {say("consent.notifications")}</label>
        </li>
        <li>
          <span>{say("consent.sharing")}</span>
          <ul className="inline-checks">
            {SHARING_ORGANISATIONS.map((org) => (
              <li key={org}><label><input type="checkbox" checked={consent.sharing.includes(org)}
                onChange={(e) => toggleSharing(org, e.target.checked)} /> {t(`org.${org}`)}</label></li>
            ))}
          </ul>
        </li>
        <li>
          <label><input type="checkbox" checked={consent.statistics}
            onChange={(e) => onChange({ ...consent, statistics: e.target.checked })} /> {say("consent.statistics")}</label>
        </li>
      </ol>
      {notify.granted && (
        <div className="subform">
          <div className="row">
            <Field label={t("field.channel")}>
              {(id) => (
                <select id={id} value={notify.channel} onChange={(e) => setNotify({ channel: e.target.value as "sms" })}>
                  <option value="sms">{t("consent.channel.sms")}</option>
                  <option value="email">{t("consent.channel.email")}</option>
                </select>
              )}
            </Field>
            <Field label={t("field.language")}>
              {(id) => (
                <select id={id} value={notify.language} onChange={(e) => setNotify({ language: e.target.value as "fr" })}>
                  <option value="fr">{t("language.fr")}</option>
                  <option value="bm">{t("language.bm")}</option>
                  <option value="en">{t("language.en")}</option>
                </select>
              )}
            </Field>
          </div>
          <div className="row">
            <Field label={t("field.safe_hours_start")} hint={t("consent.bamakoTime")}>
              {(id, d) => <input id={id} aria-describedby={d} type="time" value={notify.safe_hours_start}
                onChange={(e) => setNotify({ safe_hours_start: e.target.value })} />}
            </Field>
            <Field label={t("field.safe_hours_end")}>
              {(id) => <input id={id} type="time" value={notify.safe_hours_end}
                onChange={(e) => setNotify({ safe_hours_end: e.target.value })} />}
            </Field>
          </div>
          <label className="check"><input type="checkbox" checked={notify.shared_phone}
            onChange={(e) => setNotify({ shared_phone: e.target.checked })} /> {t("field.shared_phone")}</label>
        </div>
      )}
    </fieldset>
  );
}
