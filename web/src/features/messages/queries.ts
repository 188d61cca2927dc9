// Notify's delivery history (status only, never a message's text), provider health and template previews.
import { unwrap, type Clients } from "../../lib/api/client";
import type { components } from "../../lib/api/generated/notify";

export type Delivery = components["schemas"]["DeliveryPublic"];
export type MessageKind = components["schemas"]["MessageKind"];
export const KINDS: MessageKind[] = ["referral_accepted", "hearing_scheduled", "hearing_rescheduled", "hearing_cancelled",
  "hearing_reminder", "case_stage_changed"];
export const TEMPLATE_LANGUAGES = ["fr", "bm", "en"] as const;

// Notify lists in pages; these screens show a whole (short) list, read page after page up to a bound.
const PAGE = 200;
const MAX_PAGES = 10;

type Page<T> = { items: T[]; next_cursor?: string | null };

async function allPages<T>(page: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const found = await page(cursor);
    items.push(...found.items);
    if (!found.next_cursor) break;
    cursor = found.next_cursor;
  }
  return items;
}

export function victimDeliveries(clients: Clients, victimId: string): Promise<Delivery[]> {
  return allPages((cursor) => unwrap(clients.notify.GET("/victims/{victim_id}/deliveries",
    { params: { path: { victim_id: victimId }, query: { limit: PAGE, ...(cursor ? { cursor } : {}) } } })));
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
  return allPages((cursor) => unwrap(clients.notify.GET("/deliveries",
    { params: { query: { status: "unknown", limit: PAGE, ...(cursor ? { cursor } : {}) } } })));
}

export function sendAgain(clients: Clients, id: string, reason: SendAgainReason) {
  return unwrap(clients.notify.POST("/deliveries/{delivery_id}/send-again",
    { params: { path: { delivery_id: id } }, body: { reason } }));
}
