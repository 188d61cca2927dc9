// Casework's reparations through the generated client.
import { unwrap, type Clients } from "../../lib/api/client";
import type { components } from "../../lib/api/generated/casework";
import { everyItem, PAGE_SIZE } from "../../lib/api/pages";


export type Reparation = components["schemas"]["ReparationPublic"];
export type ReparationCreate = components["schemas"]["ReparationCreate"];
export type ReparationAward = components["schemas"]["ReparationAward"];
export type PaymentCreate = components["schemas"]["PaymentCreate"];

const one = (reparation_id: string) => ({ params: { path: { reparation_id } } });

export function caseReparations(clients: Clients, caseId: string): Promise<Reparation[]> {
  return everyItem((cursor) => unwrap(clients.casework.GET("/cases/{case_id}/reparations",
    { params: { path: { case_id: caseId }, query: { limit: PAGE_SIZE, cursor } } })));
}

export function requestReparation(clients: Clients, caseId: string, body: ReparationCreate) {
  return unwrap(clients.casework.POST("/cases/{case_id}/reparations",
    { params: { path: { case_id: caseId } }, body }));
}

export function awardReparation(clients: Clients, id: string, body: ReparationAward) {
  return unwrap(clients.casework.POST("/reparations/{reparation_id}/award", { ...one(id), body }));
}

export function recordPayment(clients: Clients, id: string, body: PaymentCreate) {
  return unwrap(clients.casework.POST("/reparations/{reparation_id}/payments", { ...one(id), body }));
}
