// Referring a victim to legal support: needs and urgency from intake's contract; the action is disabled,
// with the reason, when the victim did not consent to legal support (intake refuses it too, 409). The
// referral is addressed to one of the legal-aid organisations (their kind comes from intake's organisations
// vocabulary) the victim consented to share her file with; intake checks it again.
import { useState, type FormEvent } from "react";
import { useServices } from "../../app/context";
import { QueuedNotice } from "../../app/QueuedNotice";
import { useRouter } from "../../app/router";
import { Field, PageTitle, Status } from "../../app/ui";
import { formatDay } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import { useDevice } from "../../lib/queue/device";
import { localRef, type QueueItem } from "../../lib/queue/model";
import { label, useVocabulary, type Vocabulary } from "../../lib/vocab/vocab";
import { VaultGate } from "../device/VaultGate";
import { victimSummary } from "../incidents/ActsEditor";

export const NEEDS = ["legal_representation", "legal_advice", "civil_party_filing", "reparations_claim",
  "psychosocial_support", "medical_care", "protection", "documentation_assistance"] as const;
export const URGENCIES = ["low", "medium", "high", "critical"] as const;

export function ReferralForm() {
  return <VaultGate><ReferralFormInner /></VaultGate>;
}

function consentedToLegalSupport(item: QueueItem | undefined): boolean {
  const consent = item?.payload.consent as { legal_support?: boolean } | undefined;
  return consent?.legal_support === true;
}

function sharedLegalAid(item: QueueItem | undefined, organisations: Vocabulary | null): string[] {
  const sharing = (item?.payload.consent as { sharing?: string[] } | undefined)?.sharing ?? [];
  const legalAid = new Set((organisations?.terms ?? []).filter((o) => o.kind === "legal_aid").map((o) => o.code));
  return sharing.filter((code) => legalAid.has(code));
}

function ReferralFormInner() {
  const { t, language } = useI18n();
  const device = useDevice();
  const { clients } = useServices();
  const organisations = useVocabulary(clients, "organisations", device.online);
  const { query } = useRouter();
  const victims = device.items.filter((i) => i.kind === "victim");
  const incidents = device.items.filter((i) => i.kind === "incident");
  const [victimId, setVictimId] = useState(query.get("victim") ?? "");
  const [needs, setNeeds] = useState<string[]>([]);
  const [urgency, setUrgency] = useState("");
  const [incidentRefs, setIncidentRefs] = useState<string[]>([]);
  const [addressee, setAddressee] = useState("");
  const [queued, setQueued] = useState<QueueItem | null>(null);
  const victim = victims.find((v) => v.id === victimId);
  const consented = consentedToLegalSupport(victim);
  const addressees = sharedLegalAid(victim, organisations);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!victim || !consented || !addressees.includes(addressee)) return;
    const payload = { victim_id: victim.serverId ?? localRef(victim.id), needs, urgency, incident_ids: incidentRefs,
      receiving_organisation: addressee };
    setQueued(await device.enqueue({ kind: "referral", payload }));
  };

  if (queued) {
    return <QueuedNotice message={t("referral.queued", { ref: queued.seq })}
      next={[{ to: "/outbox", label: t("nav.outbox") }]} />;
  }
  return (
    <section className="card">
      <PageTitle title="referral.title" intro="referral.intro" />
      <form onSubmit={submit}>
        <Field label={t("field.victim_id")}>
          {(id) => (
            <select id={id} value={victimId} onChange={(e) => setVictimId(e.target.value)} required>
              <option value="">{t("common.choose")}</option>
              {victims.map((v) => <option key={v.id} value={v.id}>{victimSummary(v, t)}</option>)}
            </select>
          )}
        </Field>
        {victim && !consented && <Status kind="warn">{t("referral.noConsent")}</Status>}
        {victim && consented && addressees.length === 0 && <Status kind="warn">{t("referral.noSharing")}</Status>}
        <Field label={t("field.receiving_organisation")}>
          {(id) => (
            <select id={id} value={addressee} onChange={(e) => setAddressee(e.target.value)} required>
              <option value="">{t("common.choose")}</option>
              {addressees.map((code) => (
                <option key={code} value={code}>
                  {label(organisations?.terms.find((o) => o.code === code), language, code)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset>
          <legend>{t("field.needs")}</legend>
          {NEEDS.map((need) => (
            <label key={need} className="check">
              <input type="checkbox" checked={needs.includes(need)} onChange={(e) =>
                setNeeds(e.target.checked ? [...needs, need] : needs.filter((n) => n !== need))} />{" "}
              {t(`referral.need.${need}`)}
            </label>
          ))}
        </fieldset>
        <Field label={t("field.urgency")}>
          {(id) => (
            <select id={id} value={urgency} onChange={(e) => setUrgency(e.target.value)} required>
              <option value="">{t("common.choose")}</option>
              {URGENCIES.map((u) => <option key={u} value={u}>{t(`referral.urgency.${u}`)}</option>)}
            </select>
          )}
        </Field>
        {incidents.length > 0 && (
          <fieldset>
            <legend>{t("field.incident_ids")}</legend>
            {incidents.map((i) => {
              const ref = i.serverId ?? localRef(i.id);
              return (
                <label key={i.id} className="check">
                  <input type="checkbox" checked={incidentRefs.includes(ref)} onChange={(e) => setIncidentRefs(
                    e.target.checked ? [...incidentRefs, ref] : incidentRefs.filter((x) => x !== ref))} />{" "}
                  {t("incident.summary", { ref: i.seq, date: formatDay(String(i.payload.occurred_on ?? ""), language) })}
                </label>
              );
            })}
          </fieldset>
        )}
        <button type="submit" className="primary"
          disabled={!victim || !consented || needs.length === 0 || !addressees.includes(addressee)}>
          {t("referral.save")}
        </button>
        {victim && !consented && <p className="hint">{t("referral.disabledWhy")}</p>}
      </form>
    </section>
  );
}
