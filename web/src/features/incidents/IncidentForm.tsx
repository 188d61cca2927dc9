// Documenting an incident, online or not: it joins the device's queue and syncs in order, after the
// victims it refers to.
import { useMemo, useState, type FormEvent } from "react";
import { QueuedNotice } from "../../app/QueuedNotice";
import { useRouter } from "../../app/router";
import { Field, PageTitle, Status } from "../../app/ui";
import { VocabSelect } from "../../app/VocabSelect";
import { todayInBamako } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import { useDevice } from "../../lib/queue/device";
import { useDraft } from "../../lib/queue/drafts";
import { localRef, type QueueItem } from "../../lib/queue/model";
import { VaultGate } from "../device/VaultGate";
import { ActsEditor, actPayload, emptyAct, type ActDraft } from "./ActsEditor";
import { LocationPicker, type Location } from "./LocationPicker";
import { SourcesEditor, type SourceDraft } from "./SourcesEditor";

export function IncidentForm() {
  return <VaultGate><IncidentFormInner /></VaultGate>;
}

function IncidentFormInner() {
  const { t } = useI18n();
  const device = useDevice();
  const { query } = useRouter();
  const preselected = query.get("victim");
  const victims = device.items.filter((i) => i.kind === "victim");
  const [occurredOn, setOccurredOn] = useState(todayInBamako());
  const [precision, setPrecision] = useState("day");
  const [until, setUntil] = useState("");
  const [location, setLocation] = useState<Location>({ region: "", cercle: "", commune: "" });
  const [acts, setActs] = useState<ActDraft[]>([
    preselected ? { ...emptyAct, victim_ids: [localRef(preselected)] } : emptyAct]);
  const [sources, setSources] = useState<SourceDraft[]>([]);
  const [confidentiality, setConfidentiality] = useState("restricted");
  const [reference, setReference] = useState("");
  const [queued, setQueued] = useState<QueueItem | null>(null);
  const draftValue = useMemo(() => ({ occurredOn, precision, until, location, acts, sources, confidentiality,
    reference }), [occurredOn, precision, until, location, acts, sources, confidentiality, reference]);
  // A form opened for a given victim starts from that victim, not from an older draft.
  const draft = useDraft(preselected ? `incident-${preselected}` : "incident", draftValue, (saved) => {
    setOccurredOn(saved.occurredOn);
    setPrecision(saved.precision);
    setUntil(saved.until);
    setLocation(saved.location);
    setActs(saved.acts);
    setSources(saved.sources);
    setConfidentiality(saved.confidentiality);
    setReference(saved.reference);
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const payload: Record<string, unknown> = {
      occurred_on: occurredOn, date_precision: precision, region: location.region,
      acts: acts.filter((a) => a.violation_type).map(actPayload),
      sources: sources.map((s) => ({ kind: s.kind, reliability: s.reliability, credibility: s.credibility })),
      confidentiality,
    };
    if (precision === "range" && until) payload.occurred_until = until;
    if (location.cercle) payload.cercle = location.cercle;
    if (location.commune) payload.commune = location.commune;
    if (reference.trim()) payload.external_reference = reference.trim();
    setQueued(await device.enqueue({ kind: "incident", payload }));
    await draft.clear();
  };

  // The form appears once its draft is back, so nothing typed is overwritten by the restore.
  if (!draft.loaded) return <Status kind="info">{t("common.loading")}</Status>;
  if (queued) {
    return <QueuedNotice message={t("incident.queued", { ref: queued.seq })} next={[
      { to: `/evidence/new?incident=${queued.id}`, label: t("incident.addEvidence") },
      { to: "/outbox", label: t("nav.outbox") }]} />;
  }
  return (
    <section className="card">
      <PageTitle title="incident.title" intro="incident.intro" />
      <form onSubmit={submit}>
        <fieldset>
          <legend>{t("incident.when")}</legend>
          <div className="row">
            <Field label={t("field.occurred_on")}>
              {(id) => <input id={id} type="date" value={occurredOn} required
                onChange={(e) => setOccurredOn(e.target.value)} />}
            </Field>
            <Field label={t("field.date_precision")}>
              {(id) => <VocabSelect id={id} vocabulary="date_precisions" value={precision} required
                onChange={setPrecision} />}
            </Field>
          </div>
          {precision === "range" && (
            <Field label={t("field.occurred_until")}>
              {(id) => <input id={id} type="date" value={until} onChange={(e) => setUntil(e.target.value)} />}
            </Field>
          )}
        </fieldset>
        <fieldset>
          <legend>{t("incident.where")}</legend>
          <LocationPicker value={location} onChange={setLocation} />
        </fieldset>
        <ActsEditor acts={acts} onChange={setActs} victims={victims} />
        <SourcesEditor sources={sources} onChange={setSources} />
        <fieldset>
          <legend>{t("incident.handling")}</legend>
          <div className="row">
            <Field label={t("field.confidentiality")}>
              {(id) => <VocabSelect id={id} vocabulary="confidentiality_levels" value={confidentiality} required
                onChange={setConfidentiality} />}
            </Field>
            <Field label={t("field.external_reference")}>
              {(id) => <input id={id} value={reference} onChange={(e) => setReference(e.target.value)} />}
            </Field>
          </div>
        </fieldset>
        {draft.saved && <p className="hint" role="status">{t("draft.saved")}</p>}
        <button type="submit" className="primary">{t("incident.save")}</button>
      </form>
    </section>
  );
}
