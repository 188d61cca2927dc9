// Intake's incident queries through the generated client.
import { authorisedFetch, unwrap, type Clients, type RequestContext } from "../../lib/api/client";
import type { operations } from "../../lib/api/generated/intake";
import type { AppConfig } from "../../lib/config";

export type IncidentFilters = NonNullable<operations["list_incidents_incidents_get"]["parameters"]["query"]>;
export const FILTER_NAMES = ["region", "violation_type", "perpetrator_category", "verification_status", "date_from",
  "date_to"] as const;

export function listIncidents(clients: Clients, filters: IncidentFilters) {
  return unwrap(clients.intake.GET("/incidents", { params: { query: filters } }));
}

export function readIncident(clients: Clients, id: string) {
  return unwrap(clients.intake.GET("/incidents/{incident_id}", { params: { path: { incident_id: id } } }));
}

export function incidentHistory(clients: Clients, id: string) {
  return unwrap(clients.intake.GET("/incidents/{incident_id}/history", { params: { path: { incident_id: id } } }));
}

export function incidentIntegrity(clients: Clients, id: string) {
  return unwrap(clients.intake.GET("/incidents/{incident_id}/integrity", { params: { path: { incident_id: id } } }));
}

export function changeVerification(clients: Clients, id: string, status: string, reason: string) {
  return unwrap(clients.intake.POST("/incidents/{incident_id}/verification", {
    params: { path: { incident_id: id } },
    body: { status, reason },
  }));
}

export function startImport(config: AppConfig, requests: RequestContext, file: File) {
  const form = new FormData();
  form.append("file", file, file.name);
  return authorisedFetch(requests, `${config.services.intake}/incidents/imports`, { method: "POST", body: form });
}

export function readImport(clients: Clients, id: string) {
  return unwrap(clients.intake.GET("/incidents/imports/{job_id}", { params: { path: { job_id: id } } }));
}

/** The export as a file the browser saves (CSV or JSON), with the list's filters. */
export async function exportIncidents(config: AppConfig, requests: RequestContext, format: "csv" | "json",
  filters: IncidentFilters): Promise<Response> {
  const query = new URLSearchParams({ format });
  for (const [k, v] of Object.entries(filters)) if (v) query.set(k, String(v));
  return authorisedFetch(requests, `${config.services.intake}/incidents/export?${query.toString()}`);
}
