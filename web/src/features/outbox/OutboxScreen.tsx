// The device's queue: each item with its sync state; a refused item shows the service's problem next to
// it (field in French, reason from the service) and can be corrected and sent again, or discarded.
import { useState } from "react";
import { PageTitle, ProblemView, Status, useFieldLabel } from "../../app/ui";
import { formatInstant } from "../../lib/i18n/dates";
import { useI18n } from "../../lib/i18n/i18n";
import { unsynced, useDevice } from "../../lib/queue/device";
import type { QueueItem } from "../../lib/queue/model";
import { VaultGate } from "../device/VaultGate";
import { pathOf, valueAt, withValueAt } from "./paths";

export function OutboxScreen() {
  return <VaultGate><OutboxInner /></VaultGate>;
}

function OutboxInner() {
  const { t } = useI18n();
  const device = useDevice();
  const waiting = unsynced(device.items).length;
  return (
    <section className="card">
      <PageTitle title="outbox.title" intro="outbox.intro" />
      {!device.online && <Status kind="warn">{t("outbox.offline")}</Status>}
      {device.online && device.needsSignIn && <Status kind="warn">{t("outbox.signIn")}</Status>}
      <p className="actions">
        <button type="button" className="primary" onClick={device.syncNow} disabled={!device.online || waiting === 0}>
          {device.syncing ? t("outbox.syncing") : t("outbox.syncNow")}
        </button>
        <button type="button" onClick={() => void device.purgeDone()}>{t("outbox.purge")}</button>
      </p>
      {device.items.length === 0 ? <p>{t("outbox.empty")}</p> : (
        <ol className="queue" aria-label={t("outbox.title")}>
          {device.items.map((item) => <QueueEntry key={item.id} item={item} />)}
        </ol>
      )}
    </section>
  );
}

function QueueEntry({ item }: { item: QueueItem }) {
  const { t, language } = useI18n();
  const device = useDevice();
  const labelOf = useFieldLabel();
  const editable = (item.problem?.errors ?? []).filter((e) => {
    const value = valueAt(item.payload, pathOf(e.field));
    return typeof value === "string" || typeof value === "number";
  });
  const [draft, setDraft] = useState<Record<string, string>>(() => Object.fromEntries(
    editable.map((e) => [e.field, String(valueAt(item.payload, pathOf(e.field)) ?? "")])));
  const [confirming, setConfirming] = useState(false);
  const resend = async () => {
    let payload = item.payload;
    for (const [field, value] of Object.entries(draft)) payload = withValueAt(payload, pathOf(field), value);
    await device.correct(item, payload);
  };
  const hashOk = item.deviceSha256 && item.serverSha256 ? item.deviceSha256 === item.serverSha256 : null;
  return (
    <li className={`queue-item state-${item.state}`} data-kind={item.kind} data-state={item.state}
      data-server-id={item.serverId ?? ""}>
      <div className="queue-head">
        <strong>{t(`kind.${item.kind}`)} n° {item.seq}</strong>
        <span className={`badge badge-${item.state}`}>{t(`state.${item.state}`)}</span>
      </div>
      <p className="meta">{t("outbox.created", { at: formatInstant(item.createdAt, language) })}
        {item.attempts > 0 && ` · ${t("outbox.attempts", { count: item.attempts })}`}
        {item.state === "waiting" && ` · ${t("outbox.nextAt", { at: formatInstant(item.nextAt, language) })}`}</p>
      {item.serverId && <p className="meta">{t("outbox.serverId")} <code>{item.serverId}</code></p>}
      {item.deviceSha256 && (
        <p className="meta">{t("evidence.deviceHash")} <code className="hash">{item.deviceSha256}</code></p>
      )}
      {hashOk === true && <Status kind="ok">{t("evidence.hashMatches")}</Status>}
      {hashOk === false && <Status kind="error">{t("evidence.hashDiffers", { hash: item.serverSha256 ?? "" })}</Status>}
      {item.problem && <ProblemView problem={item.problem} />}
      {item.state === "held" && editable.length > 0 && (
        <form className="subform" onSubmit={(e) => { e.preventDefault(); void resend(); }}>
          {editable.map((e) => {
            const id = `${item.id}-${e.field}`;
            return (
              <div className="field" key={e.field}>
                <label htmlFor={id}>{labelOf(e.field)}</label>
                <input id={id} value={draft[e.field] ?? ""}
                  onChange={(ev) => setDraft({ ...draft, [e.field]: ev.target.value })} />
              </div>
            );
          })}
          <button type="submit" className="primary">{t("outbox.correct")}</button>
        </form>
      )}
      {item.state === "held" && (
        !confirming ? <button type="button" onClick={() => setConfirming(true)}>{t("outbox.discard")}</button> : (
          <p className="confirm">
            {t("outbox.discardConfirm")}{" "}
            <button type="button" className="danger" onClick={() => void device.discard(item.id)}>
              {t("outbox.discardYes")}</button>{" "}
            <button type="button" onClick={() => setConfirming(false)}>{t("common.cancel")}</button>
          </p>
        )
      )}
    </li>
  );
}
