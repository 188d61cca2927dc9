// The legal desk (lawyers and case managers), loaded only when one of its screens is opened.
import { match } from "../app/router";
import { CaseList } from "../features/cases/CaseList";
import { CasePage } from "../features/cases/CasePage";
import { CalendarScreen } from "../features/hearings/CalendarScreen";
import { InboxScreen } from "../features/referrals/InboxScreen";
import { TasksScreen } from "../features/tasks/TasksScreen";

export const PATHS = ["/referrals", "/cases", "/tasks", "/calendar"];

export default function LegalDesk({ path }: { path: string }) {
  const found = match("/cases/:id", path);
  if (found) return <CasePage id={found.id ?? ""} />;
  if (path === "/referrals") return <InboxScreen />;
  if (path === "/cases") return <CaseList />;
  if (path === "/tasks") return <TasksScreen />;
  if (path === "/calendar") return <CalendarScreen />;
  return null;
}
