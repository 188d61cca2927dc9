// The frame around every screen: skip link, header with connectivity and queue state, navigation.
import type { ReactNode } from "react";
import { EvidenceForm } from "../features/evidence/EvidenceForm";
import { Home } from "../features/home/Home";
import { DeviceScreen } from "../features/device/DeviceScreen";
import { SignOutScreen } from "../features/device/SignOutScreen";
import { ImportScreen } from "../features/incidents/ImportScreen";
import { IncidentForm } from "../features/incidents/IncidentForm";
import { IncidentList } from "../features/incidents/IncidentList";
import { IncidentPage } from "../features/incidents/IncidentPage";
import { OutboxScreen } from "../features/outbox/OutboxScreen";
import { ReferralForm } from "../features/referrals/ReferralForm";
import { VictimForm } from "../features/victims/VictimForm";
import { useSession } from "../lib/auth/session";
import { useI18n, type MessageKey } from "../lib/i18n/i18n";
import { unsynced, useDevice } from "../lib/queue/device";
import { DESK_NAV, DeskScreen, isDeskPath } from "./desks";
import { Link, match, useRouter } from "./router";

interface NavEntry {
  to: string;
  label: MessageKey;
  roles: string[];
}

const CAPTURE = ["monitor", "documentation_officer"];
const NAV: NavEntry[] = [
  { to: "/incidents/new", label: "nav.newIncident", roles: CAPTURE },
  { to: "/victims/new", label: "nav.newVictim", roles: CAPTURE },
  { to: "/evidence/new", label: "nav.newEvidence", roles: CAPTURE },
  { to: "/referrals/new", label: "nav.newReferral", roles: CAPTURE },
  { to: "/outbox", label: "nav.outbox", roles: CAPTURE },
  { to: "/incidents", label: "nav.incidents", roles: CAPTURE },
  { to: "/incidents/import", label: "nav.import", roles: CAPTURE },
  ...DESK_NAV,
];

function screenFor(path: string, signedIn: boolean): ReactNode {
  const incident = match("/incidents/:id", path);
  if (path === "/incidents/new") return <IncidentForm />;
  if (path === "/incidents/import") return <ImportScreen />;
  if (path === "/incidents") return <IncidentList />;
  if (incident) return <IncidentPage id={incident.id ?? ""} />;
  if (path === "/victims/new") return <VictimForm />;
  if (path === "/evidence/new") return <EvidenceForm />;
  if (path === "/referrals/new") return <ReferralForm />;
  if (path === "/outbox") return <OutboxScreen />;
  if (path === "/device") return <DeviceScreen />;
  if (path === "/signout") return <SignOutScreen />;
  if (isDeskPath(path)) return signedIn ? <DeskScreen path={path} /> : <Home />;
  return <Home />;
}

export function Shell() {
  const { t, language, setLanguage } = useI18n();
  const session = useSession();
  const device = useDevice();
  const { path, visit } = useRouter();
  const waiting = unsynced(device.items).length;
  const offlineCapture = session.status !== "signed-in" && device.vault === "unlocked";
  const nav = NAV.filter((entry) => session.hasRole(...entry.roles) || (offlineCapture && entry.roles === CAPTURE));
  return (
    <>
      <a className="skip" href="#main">{t("shell.skip")}</a>
      <header className="topbar">
        <Link to="/" className="brand">Redress</Link>
        <span className={device.online ? "pill pill-online" : "pill pill-offline"} role="status">
          {device.online ? t("shell.online") : t("shell.offline")}
        </span>
        {device.vault === "unlocked" && (
          <Link to="/outbox" className="pill">{t("shell.queued", { count: waiting })}</Link>
        )}
        <span className="spacer" />
        <button type="button" className="link-button" lang={language === "fr" ? "en" : "fr"}
          onClick={() => setLanguage(language === "fr" ? "en" : "fr")}>
          {language === "fr" ? "English" : "Français"}
        </button>
        {session.status === "signed-in" && (
          <Link to="/signout" className="link-button">{t("shell.signOut")}</Link>
        )}
      </header>
      {nav.length > 0 && (
        <nav aria-label={t("shell.navigation")} className="mainnav">
          <ul>
            {nav.map((entry) => (
              <li key={entry.to}>
                <Link to={entry.to} current={path === entry.to}>{t(entry.label)}</Link>
              </li>
            ))}
            <li><Link to="/device" current={path === "/device"}>{t("nav.device")}</Link></li>
          </ul>
        </nav>
      )}
      <main id="main" tabIndex={-1} key={visit}>{screenFor(path, session.status === "signed-in")}</main>
    </>
  );
}
