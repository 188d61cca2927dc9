// Casework's cases through the generated client: reading, stage moves, lawyers, court, notes, the name.
import { unwrap, type Clients } from "../../lib/api/client";
import type { components } from "../../lib/api/generated/casework";
import { everyItem, PAGE_SIZE } from "../../lib/api/pages";


export type Case = components["schemas"]["CasePublic"];
export type StageChange = components["schemas"]["StageChange"];
export type Note = components["schemas"]["NotePublic"];

const at = (case_id: string) => ({ params: { path: { case_id } } });

export function listCases(clients: Clients, status?: "open" | "closed"): Promise<Case[]> {
  return everyItem((cursor) => unwrap(clients.casework.GET("/cases", { params: { query: { status, limit: PAGE_SIZE, cursor } } })));
}

export function readCase(clients: Clients, id: string) {
  return unwrap(clients.casework.GET("/cases/{case_id}", at(id)));
}

export function changeStage(clients: Clients, id: string, body: StageChange) {
  return unwrap(clients.casework.POST("/cases/{case_id}/stage", { ...at(id), body }));
}

export function assignLawyer(clients: Clients, id: string, lawyerId: string) {
  return unwrap(clients.casework.POST("/cases/{case_id}/lawyers", { ...at(id), body: { lawyer_id: lawyerId } }));
}

export function unassignLawyer(clients: Clients, id: string, lawyerId: string) {
  return unwrap(clients.casework.DELETE("/cases/{case_id}/lawyers/{lawyer_id}",
    { params: { path: { case_id: id, lawyer_id: lawyerId } } }));
}

export function changeCourt(clients: Clients, id: string, court: string) {
  return unwrap(clients.casework.PUT("/cases/{case_id}/court", { ...at(id), body: { court } }));
}

export function readNotes(clients: Clients, id: string) {
  return unwrap(clients.casework.GET("/cases/{case_id}/notes", at(id)));
}

export function addNote(clients: Clients, id: string, text: string, victimId: string | null) {
  return unwrap(clients.casework.POST("/cases/{case_id}/notes", { ...at(id), body: { text, victim_id: victimId } }));
}

/** The victim's name, read now through the service (audited there); the caller keeps it in memory only. */
export function revealName(clients: Clients, id: string, victimId: string) {
  return unwrap(clients.casework.GET("/cases/{case_id}/victims/{victim_id}/name",
    { params: { path: { case_id: id, victim_id: victimId } } }));
}
