// Registering a victim: statistics in clear for the service, identity (encrypted by intake), and the
// consent per purpose as a checklist the monitor reads aloud in the victim's language.
import { useMemo, useState, type FormEvent } from "react";
import { QueuedNotice } from "../../app/QueuedNotice";
import { Field, PageTitle, Status } from "../../app/ui";
import { VocabSelect } from "../../app/VocabSelect";
import { useI18n, type Language } from "../../lib/i18n/i18n";
import { useDevice } from "../../lib/queue/device";
import { useDraft } from "../../lib/queue/drafts";
import type { QueueItem } from "../../lib/queue/model";
import { VaultGate } from "../device/VaultGate";
import { ConsentChecklist, emptyConsent, type ConsentState } from "./ConsentChecklist";

export const SEXES = ["female", "male", "other", "unknown"] as const;
export const AGE_BANDS = ["0-4", "5-11", "12-17", "18-24", "25-39", "40-59", "60+", "unknown"] as const;

export function VictimForm() {
  return <VaultGate><VictimFormInner /></VaultGate>;
}

function VictimFormInner() {
  const { t } = useI18n();
  const device = useDevice();
  const [sex, setSex] = useState("");
  const [ageBand, setAgeBand] = useState("");
  const [region, setRegion] = useState("");
  const [identity, setIdentity] = useState({ name: "", aliases: "", phone: "", email: "", address: "", narrative: "" });
  const [consent, setConsent] = useState<ConsentState>(emptyConsent);
  const [readIn, setReadIn] = useState<Language>("fr");
  const [queued, setQueued] = useState<QueueItem | null>(null);
  const set = (key: keyof typeof identity) => (value: string) => setIdentity({ ...identity, [key]: value });
  const draftValue = useMemo(() => ({ sex, ageBand, region, identity, consent }),
    [sex, ageBand, region, identity, consent]);
  const draft = useDraft("victim", draftValue, (saved) => {
    setSex(saved.sex);
    setAgeBand(saved.ageBand);
    setRegion(saved.region);
    setIdentity(saved.identity);
    setConsent(saved.consent);
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const clean = Object.fromEntries(Object.entries({
      name: identity.name, phone: identity.phone, email: identity.email, address: identity.address,
      narrative: identity.narrative,
    }).filter(([, v]) => v.trim() !== "").map(([k, v]) => [k, v.trim()]));
    const aliases = identity.aliases.split(",").map((a) => a.trim()).filter(Boolean);
    const payload = {
      sex, age_band: ageBand, region,
      identity: { ...clean, ...(aliases.length ? { aliases } : {}) },
      consent: {
        legal_support: consent.legal_support, statistics: consent.statistics, sharing: consent.sharing,
        notifications: consent.notifications,
      },
    };
    setQueued(await device.enqueue({ kind: "victim", payload }));
    await draft.clear();
  };

  // The form appears once its draft is back, so nothing typed is overwritten by the restore.
  if (!draft.loaded) return <Status kind="info">{t("common.loading")}</Status>;
  if (queued) {
    return <QueuedNotice message={t("victim.queued", { ref: queued.seq })} next={[
      { to: `/incidents/new?victim=${queued.id}`, label: t("victim.documentIncident") },
      { to: `/referrals/new?victim=${queued.id}`, label: t("victim.refer") },
      { to: "/outbox", label: t("nav.outbox") }]} />;
  }
  return (
    <section className="card">
      <PageTitle title="victim.title" intro="victim.intro" />
      <form onSubmit={submit}>
        <fieldset>
          <legend>{t("victim.profile")}</legend>
          <div className="row">
            <Field label={t("field.sex")}>
              {(id) => (
                <select id={id} value={sex} onChange={(e) => setSex(e.target.value)} required>
                  <option value="">{t("common.choose")}</option>
                  {SEXES.map((s) => <option key={s} value={s}>{t(`victim.sex.${s}`)}</option>)}
                </select>
              )}
            </Field>
            <Field label={t("field.age_band")}>
              {(id) => (
                <select id={id} value={ageBand} onChange={(e) => setAgeBand(e.target.value)} required>
                  <option value="">{t("common.choose")}</option>
                  {AGE_BANDS.map((a) => <option key={a} value={a}>{t(`victim.age.${a}`)}</option>)}
                </select>
              )}
            </Field>
          </div>
          <Field label={t("victim.residence")}>
            {(id) => <VocabSelect id={id} vocabulary="regions" value={region} onChange={setRegion} required />}
          </Field>
        </fieldset>
        <fieldset>
          <legend>{t("victim.identity")}</legend>
          <p className="hint">{t("victim.identityHint")}</p>
          <Field label={t("field.name")}>
            {(id) => <input id={id} value={identity.name} onChange={(e) => set("name")(e.target.value)}
              autoComplete="off" />}
          </Field>
          <Field label={t("field.aliases")} hint={t("victim.aliasesHint")}>
            {(id, d) => <input id={id} aria-describedby={d} value={identity.aliases}
              onChange={(e) => set("aliases")(e.target.value)} autoComplete="off" />}
          </Field>
          <div className="row">
            <Field label={t("field.phone")}>
              {(id) => <input id={id} type="tel" value={identity.phone} onChange={(e) => set("phone")(e.target.value)}
                autoComplete="off" />}
            </Field>
            <Field label={t("field.email")}>
              {(id) => <input id={id} type="text" inputMode="email" value={identity.email}
                onChange={(e) => set("email")(e.target.value)} autoComplete="off" />}
            </Field>
          </div>
          <Field label={t("field.address")}>
            {(id) => <input id={id} value={identity.address} onChange={(e) => set("address")(e.target.value)}
              autoComplete="off" />}
          </Field>
          <Field label={t("field.narrative")}>
            {(id) => <textarea id={id} rows={5} value={identity.narrative}
              onChange={(e) => set("narrative")(e.target.value)} />}
          </Field>
        </fieldset>
        <ConsentChecklist consent={consent} onChange={setConsent} readIn={readIn} onReadIn={setReadIn} />
        {draft.saved && <p className="hint" role="status">{t("draft.saved")}</p>}
        <button type="submit" className="primary">{t("victim.save")}</button>
      </form>
    </section>
  );
}
