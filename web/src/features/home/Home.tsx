// The first screen: sign in, or the desk of the signed-in role; offline capture stays reachable.
import { DESK_NAV } from "../../app/desks";
import { Link, useRouter } from "../../app/router";
import { PageTitle, Status } from "../../app/ui";
import { useSession } from "../../lib/auth/session";
import { isMessageKey, useI18n } from "../../lib/i18n/i18n";
import { unsynced, useDevice } from "../../lib/queue/device";

export function Home() {
  const { t } = useI18n();
  const session = useSession();
  const device = useDevice();
  const { path } = useRouter();
  if (session.status === "starting") return <Status kind="info">{t("home.starting")}</Status>;
  if (session.status !== "signed-in") {
    return (
      <section className="card narrow">
        <PageTitle title="home.welcome" intro="home.intro" />
        {session.status === "expired" && <Status kind="warn">{t("home.expired")}</Status>}
        {session.error && <Status kind="error">{t("home.signInFailed")}</Status>}
        {device.online ? (
          <button type="button" className="primary" onClick={() => void session.signIn(path)}>{t("home.signIn")}</button>
        ) : (
          <Status kind="warn">{t("home.offlineSignIn")}</Status>
        )}
        <p><Link to="/outbox">{t("home.offlineCapture")}</Link></p>
      </section>
    );
  }
  const claims = session.claims;
  const waiting = unsynced(device.items).length;
  return (
    <section className="card">
      <h1>{t("home.hello", { name: claims?.username ?? claims?.sub ?? "" })}</h1>
      <p>{t("home.roles", { roles: (claims?.roles ?? []).map((r) => { const key = `role.${r}`; return isMessageKey(key) ? t(key) : r; }).join(", "),
        org: claims?.org ?? "—" })}</p>
      {device.needsSignIn && <Status kind="warn">{t("home.expired")}</Status>}
      {waiting > 0 && <Status kind="info">{t("home.waiting", { count: waiting })}</Status>}
      <div className="tiles">
        {session.hasRole("monitor", "documentation_officer") && (<>
          <Link to="/victims/new" className="tile">{t("nav.newVictim")}</Link>
          <Link to="/incidents/new" className="tile">{t("nav.newIncident")}</Link>
          <Link to="/evidence/new" className="tile">{t("nav.newEvidence")}</Link>
          <Link to="/referrals/new" className="tile">{t("nav.newReferral")}</Link>
          <Link to="/incidents" className="tile">{t("nav.incidents")}</Link>
        </>)}
        {DESK_NAV.filter((entry) => session.hasRole(...entry.roles)).map((entry) => (
          <Link key={entry.to} to={entry.to} className="tile">{t(entry.label)}</Link>
        ))}
      </div>
    </section>
  );
}
