// The analysis desk (advocacy officers, analysts): indicators and reports, loaded only when opened.
import { Dashboard } from "../features/indicators/Dashboard";
import { ReportsScreen } from "../features/reports/ReportsScreen";

export default function AnalysisDesk({ path }: { path: string }) {
  if (path === "/indicators") return <Dashboard />;
  if (path === "/reports") return <ReportsScreen />;
  return null;
}
