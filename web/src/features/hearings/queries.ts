// Casework's hearings and calendars through the generated client.
import { unwrap, type Clients } from "../../lib/api/client";
import type { components } from "../../lib/api/generated/casework";
import { everyItem, PAGE_SIZE } from "../../lib/api/pages";


export type Hearing = components["schemas"]["HearingPublic"];
export type HearingCreate = components["schemas"]["HearingCreate"];
export type HearingReschedule = components["schemas"]["HearingReschedule"];
export type Feed = components["schemas"]["FeedPublic"];

const hearing = (hearing_id: string) => ({ params: { path: { hearing_id } } });

export function caseHearings(clients: Clients, caseId: string): Promise<Hearing[]> {
  return everyItem((cursor) => unwrap(clients.casework.GET("/cases/{case_id}/hearings",
    { params: { path: { case_id: caseId }, query: { limit: PAGE_SIZE, cursor } } })));
}

export function scheduleHearing(clients: Clients, caseId: string, body: HearingCreate) {
  return unwrap(clients.casework.POST("/cases/{case_id}/hearings", { params: { path: { case_id: caseId } }, body }));
}

export function rescheduleHearing(clients: Clients, id: string, body: HearingReschedule) {
  return unwrap(clients.casework.POST("/hearings/{hearing_id}/reschedule", { ...hearing(id), body }));
}

export function recordHeld(clients: Clients, id: string, outcome: string) {
  return unwrap(clients.casework.POST("/hearings/{hearing_id}/held", { ...hearing(id), body: { outcome } }));
}

export function cancelHearing(clients: Clients, id: string, reason: string) {
  return unwrap(clients.casework.POST("/hearings/{hearing_id}/cancel", { ...hearing(id), body: { reason } }));
}

export function lawyerCalendar(clients: Clients, lawyerId: string, start: string, end: string) {
  return unwrap(clients.casework.GET("/calendar/lawyers/{lawyer_id}",
    { params: { path: { lawyer_id: lawyerId }, query: { start, end } } }));
}

export function listFeeds(clients: Clients) {
  return unwrap(clients.casework.GET("/calendar/feeds"));
}

export function createFeed(clients: Clients) {
  return unwrap(clients.casework.POST("/calendar/feeds"));
}

export function revokeFeed(clients: Clients, feedId: string) {
  return unwrap(clients.casework.DELETE("/calendar/feeds/{feed_id}", { params: { path: { feed_id: feedId } } }));
}

export function organisationCalendar(clients: Clients, start: string, end: string) {
  return unwrap(clients.casework.GET("/calendar/organisation", { params: { query: { start, end } } }));
}
