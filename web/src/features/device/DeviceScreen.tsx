// This device: what it holds, and the wipe that erases the queue, its keys and the offline copy.
import { useState } from "react";
import { PageTitle, Status } from "../../app/ui";
import { useI18n } from "../../lib/i18n/i18n";
import { unsynced, useDevice } from "../../lib/queue/device";

export function DeviceScreen() {
  const { t } = useI18n();
  const device = useDevice();
  const [confirming, setConfirming] = useState(false);
  const [wiped, setWiped] = useState(false);
  const waiting = unsynced(device.items).length;
  const wipe = async () => {
    await device.wipe();
    setWiped(true);
    setConfirming(false);
  };
  return (
    <section className="card">
      <PageTitle title="device.title" intro="device.intro" />
      {wiped && <Status kind="ok">{t("device.wiped")}</Status>}
      <dl className="facts">
        <dt>{t("device.vault")}</dt>
        <dd>{t(`device.vault.${device.vault}`)}</dd>
        {device.vault === "unlocked" && (<><dt>{t("device.waiting")}</dt><dd>{waiting}</dd></>)}
      </dl>
      <h2>{t("device.wipeTitle")}</h2>
      <p>{t("device.wipeExplain")}</p>
      {!confirming ? (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>{t("device.wipe")}</button>
      ) : (
        <div className="confirm" role="alertdialog" aria-labelledby="wipe-q">
          <p id="wipe-q"><strong>{waiting > 0 ? t("device.wipeConfirmUnsynced", { count: waiting })
            : t("device.wipeConfirm")}</strong></p>
          <button type="button" className="danger" onClick={() => void wipe()}>{t("device.wipeYes")}</button>
          <button type="button" onClick={() => setConfirming(false)}>{t("common.cancel")}</button>
        </div>
      )}
    </section>
  );
}
