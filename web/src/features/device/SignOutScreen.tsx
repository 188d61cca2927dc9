// Signing out erases this device's queue and keys; unsynced items are named first and need a confirmation.
import { useEffect, useState } from "react";
import { Link } from "../../app/router";
import { PageTitle } from "../../app/ui";
import { useSession } from "../../lib/auth/session";
import { useI18n } from "../../lib/i18n/i18n";
import { dbAll } from "../../lib/queue/db";
import { unsynced, useDevice } from "../../lib/queue/device";

export function SignOutScreen() {
  const { t } = useI18n();
  const device = useDevice();
  const session = useSession();
  const [stored, setStored] = useState<number | null>(null);
  useEffect(() => {
    dbAll("items").then((items) => setStored(items.length), () => setStored(0));
  }, []);
  // Unlocked: the real count of unsynced items; locked: every sealed item counts, as none can be read.
  const waiting = device.vault === "unlocked" ? unsynced(device.items).length : stored ?? 0;
  const signOut = async () => {
    await device.erase();
    session.signOut();
  };
  return (
    <section className="card narrow">
      <PageTitle title="signout.title" />
      {waiting > 0 ? (
        <p className="status status-warn" role="alert">{t("signout.unsynced", { count: waiting })}</p>
      ) : (
        <p>{t("signout.clean")}</p>
      )}
      <p className="actions">
        <button type="button" className={waiting > 0 ? "danger" : "primary"} onClick={() => void signOut()}>
          {waiting > 0 ? t("signout.confirmErase") : t("signout.confirm")}
        </button>
        {waiting > 0 && <Link to="/outbox" className="button">{t("signout.keep")}</Link>}
      </p>
    </section>
  );
}
