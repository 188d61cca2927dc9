// The administration desk (programme staff, administrators, documentation officers for the audit log).
import { AuditScreen } from "../features/audit/AuditScreen";
import { MessagesScreen } from "../features/messages/MessagesScreen";

export default function AdministrationDesk({ path }: { path: string }) {
  if (path === "/audit") return <AuditScreen />;
  if (path === "/messages") return <MessagesScreen />;
  return null;
}
