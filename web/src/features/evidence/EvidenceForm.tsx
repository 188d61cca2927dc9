// Evidence from the camera or a file: hashed on the device (SHA-256, WebCrypto) at capture and shown;
// the bytes wait sealed in the queue; after upload the queue compares the service's hash with this one.
import { useState, type ChangeEvent, type FormEvent } from "react";
import { QueuedNotice } from "../../app/QueuedNotice";
import { useRouter } from "../../app/router";
import { Field, PageTitle, Status } from "../../app/ui";
import { VocabSelect } from "../../app/VocabSelect";
import { formatDay } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import { sha256Hex } from "../../lib/queue/crypto";
import { useDevice } from "../../lib/queue/device";
import { localRef, type QueueItem } from "../../lib/queue/model";
import { VaultGate } from "../device/VaultGate";

export const ACCEPTED_TYPES = "image/jpeg,image/png,image/webp,video/mp4,audio/mp4,audio/mpeg,audio/ogg,audio/wav," +
  "application/pdf";

interface Captured {
  bytes: ArrayBuffer;
  sha256: string;
  mediaType: string;
  name: string;
}

export function EvidenceForm() {
  return <VaultGate><EvidenceFormInner /></VaultGate>;
}

function EvidenceFormInner() {
  const { t, language } = useI18n();
  const device = useDevice();
  const { query } = useRouter();
  const incidents = device.items.filter((i) => i.kind === "incident");
  const [incident, setIncident] = useState(() => {
    const id = query.get("incident");
    return id ? localRef(id) : "";
  });
  const [confidentiality, setConfidentiality] = useState("confidential");
  const [file, setFile] = useState<Captured | null>(null);
  const [hashing, setHashing] = useState(false);
  const [queued, setQueued] = useState<QueueItem | null>(null);

  const pick = async (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    if (!chosen) return;
    setHashing(true);
    const bytes = await chosen.arrayBuffer();
    setFile({ bytes, sha256: await sha256Hex(bytes), mediaType: chosen.type || "application/octet-stream",
      name: chosen.name });
    setHashing(false);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    const payload: Record<string, unknown> = { confidentiality };
    if (incident) payload.incident_id = incident;
    setQueued(await device.enqueue({ kind: "evidence", payload, file }));
  };

  if (queued) {
    return (
      <QueuedNotice message={t("evidence.queued", { ref: queued.seq })} next={[{ to: "/outbox", label: t("nav.outbox") }]}>
        <p>{t("evidence.deviceHash")} <code className="hash">{queued.deviceSha256}</code></p>
      </QueuedNotice>
    );
  }
  return (
    <section className="card">
      <PageTitle title="evidence.title" intro="evidence.intro" />
      <form onSubmit={submit}>
        <Field label={t("field.incident_id")}>
          {(id) => (
            <select id={id} value={incident} onChange={(e) => setIncident(e.target.value)}>
              <option value="">{t("evidence.noIncident")}</option>
              {incidents.map((i) => (
                <option key={i.id} value={i.serverId ?? localRef(i.id)}>
                  {t("incident.summary", { ref: i.seq, date: formatDay(String(i.payload.occurred_on ?? ""), language) })}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t("field.file")} hint={t("evidence.fileHint")}>
          {(id, d) => <input id={id} aria-describedby={d} type="file" accept={ACCEPTED_TYPES} capture="environment"
            onChange={(e) => void pick(e)} required />}
        </Field>
        {hashing && <Status kind="info">{t("evidence.hashing")}</Status>}
        {file && (
          <p>{t("evidence.deviceHash")} <code className="hash" data-testid="device-hash">{file.sha256}</code></p>
        )}
        <Field label={t("field.confidentiality")}>
          {(id) => <VocabSelect id={id} vocabulary="confidentiality_levels" value={confidentiality} required
            onChange={setConfidentiality} />}
        </Field>
        <button type="submit" className="primary" disabled={!file}>{t("evidence.save")}</button>
      </form>
    </section>
  );
}
