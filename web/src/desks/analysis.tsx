// The analysis desk (advocacy officers, analysts): indicators, reports, actions and recommendations, loaded only when opened.
import { ActionsScreen } from "../features/actions/ActionsScreen";
import { Dashboard } from "../features/indicators/Dashboard";
import { ReportsScreen } from "../features/reports/ReportsScreen";

export default function AnalysisDesk({ path }: { path: string }) {
  if (path === "/indicators") return <Dashboard />;
  if (path === "/reports") return <ReportsScreen />;
  if (path === "/actions") return <ActionsScreen />;
  return null;
}
