// The desks of part 2, each a separate chunk the browser fetches when one of its screens opens (the
// service worker keeps every chunk for the offline shell), so the first load stays small.
import { lazy, Suspense, type ComponentType, type LazyExoticComponent } from "react";
import { useI18n, type MessageKey } from "../lib/i18n/i18n";
import { Status } from "./ui";

interface Desk {
  /** First path segments the desk answers ("/cases" also covers "/cases/<id>"). */
  roots: string[];
  screen: LazyExoticComponent<ComponentType<{ path: string }>>;
}

const DESKS: Desk[] = [
  { roots: ["/referrals", "/cases", "/tasks", "/calendar"], screen: lazy(() => import("../desks/legal")) },
  { roots: ["/indicators", "/reports", "/actions"], screen: lazy(() => import("../desks/analysis")) },
  { roots: ["/education"], screen: lazy(() => import("../desks/education")) },
  { roots: ["/audit", "/messages"], screen: lazy(() => import("../desks/administration")) },
];

export interface DeskEntry {
  to: string;
  label: MessageKey;
  roles: string[];
}

const LAWYER = ["lawyer"];
const CASEWORK = ["lawyer", "case_manager"];
const ANALYSIS = ["analyst", "advocacy_officer", "admin"];

/** The navigation entries of the desks, by role. */
export const DESK_NAV: DeskEntry[] = [
  { to: "/referrals", label: "nav.inbox", roles: CASEWORK },
  { to: "/cases", label: "nav.cases", roles: CASEWORK },
  { to: "/tasks", label: "nav.tasks", roles: LAWYER },
  { to: "/calendar", label: "nav.calendar", roles: CASEWORK },
  { to: "/indicators", label: "nav.indicators", roles: ANALYSIS },
  { to: "/reports", label: "nav.reports", roles: ANALYSIS },
  { to: "/actions", label: "nav.actions", roles: ANALYSIS },
  { to: "/education", label: "nav.education", roles: ["educator"] },
  { to: "/messages", label: "nav.messages", roles: ["notify_admin", "admin"] },
  { to: "/audit", label: "nav.audit", roles: ["admin", "documentation_officer"] },
];

function deskOf(path: string): Desk | undefined {
  return DESKS.find((desk) => desk.roots.some((root) => path === root || path.startsWith(`${root}/`)));
}

/** Whether a path belongs to one of the desks. */
export function isDeskPath(path: string): boolean {
  return deskOf(path) !== undefined;
}

export function DeskScreen({ path }: { path: string }) {
  const { t } = useI18n();
  const desk = deskOf(path);
  if (!desk) return null;
  const Screen = desk.screen;
  return (
    <Suspense fallback={<Status kind="info">{t("common.loading")}</Status>}>
      <Screen path={path} />
    </Suspense>
  );
}
