// Notify's delivery history (status only, never a message's text), provider health and template previews.
import { unwrap, type Clients } from "../../lib/api/client";
import { everyItem, PAGE_SIZE } from "../../lib/api/pages";
import type { components } from "../../lib/api/generated/notify";

export type Delivery = components["schemas"]["DeliveryPublic"];
export type MessageKind = components["schemas"]["MessageKind"];
export const KINDS: MessageKind[] = ["referral_accepted", "hearing_scheduled", "hearing_rescheduled", "hearing_cancelled",
  "hearing_reminder", "case_stage_changed"];
export const TEMPLATE_LANGUAGES = ["fr", "bm", "en"] as const;

export function victimDeliveries(clients: Clients, victimId: string): Promise<Delivery[]> {
  return everyItem((cursor) => unwrap(clients.notify.GET("/victims/{victim_id}/deliveries",
    { params: { path: { victim_id: victimId }, query: { limit: PAGE_SIZE, cursor } } })));
}

export function providersHealth(clients: Clients) {
  return unwrap(clients.notify.GET("/providers/health"));
}

export function previewTemplate(clients: Clients, kind: MessageKind, language: string) {
  return unwrap(clients.notify.GET("/templates/{kind}/{language}", { params: { path: { kind, language } } }));
}

export type SendAgainReason = components["schemas"]["SendAgain"]["reason"];
export const SEND_AGAIN_REASONS: SendAgainReason[] = ["no_report_from_provider", "victim_says_not_received", "other"];

/** Deliveries whose outcome is unknown and that nobody has sent again yet, oldest first. */
export function unknownDeliveries(clients: Clients): Promise<Delivery[]> {
  return everyItem((cursor) => unwrap(clients.notify.GET("/deliveries",
    { params: { query: { status: "unknown", limit: PAGE_SIZE, cursor } } })));
}

export function sendAgain(clients: Clients, id: string, reason: SendAgainReason) {
  return unwrap(clients.notify.POST("/deliveries/{delivery_id}/send-again",
    { params: { path: { delivery_id: id } }, body: { reason } }));
}
