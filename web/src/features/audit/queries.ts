// Every service's audit trail (GET /audit, GET /audit/integrity), through the generated clients.
import { unwrap, type Clients } from "../../lib/api/client";
import type { components } from "../../lib/api/generated/casework";

export type AuditEntry = components["schemas"]["AuditEntry"];
export type Integrity = components["schemas"]["AuditIntegrityReport"];
export const SERVICES = ["intake", "casework", "advocacy", "education", "notify"] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface AuditFilter {
  actor: string;
  victim_id: string;
  since: string;
  until: string;
}

/** A day in Bamako (UTC all year) as the instant it starts; the end bound is the day after, exclusive. */
function dayStart(day: string, plusDays = 0): string | null {
  if (!day) return null;
  const at = new Date(`${day}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + plusDays);
  return at.toISOString();
}

export async function queryAudit(clients: Clients, service: ServiceName, filter: AuditFilter): Promise<AuditEntry[]> {
  const query = { actor: filter.actor.trim() || null, victim_id: filter.victim_id.trim() || null,
    since: dayStart(filter.since), until: dayStart(filter.until, 1), limit: 200 };
  // The five services share the kit's audit routes: the casework client's types describe them all.
  const client = clients[service] as unknown as Clients["casework"];
  return (await unwrap(client.GET("/audit", { params: { query } }))).entries;
}

export function checkIntegrity(clients: Clients, service: ServiceName): Promise<Integrity> {
  const client = clients[service] as unknown as Clients["casework"];
  return unwrap(client.GET("/audit/integrity"));
}
