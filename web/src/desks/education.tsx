// The educators' desk, loaded only when opened.
import { EducationScreen } from "../features/education/EducationScreen";

export default function EducationDesk() {
  return <EducationScreen />;
}
