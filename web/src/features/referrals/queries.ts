// Casework's referral inbox through the generated client.
import { unwrap, type Clients } from "../../lib/api/client";
import type { components } from "../../lib/api/generated/casework";
import { everyItem, PAGE_SIZE } from "../../lib/api/pages";


export type Referral = components["schemas"]["ReferralPublic"];
export type ReferralAccept = components["schemas"]["ReferralAccept"];
export type InboxStatus = "pending" | "accepted" | "declined";

export function inbox(clients: Clients, status: InboxStatus): Promise<Referral[]> {
  return everyItem((cursor) => unwrap(clients.casework.GET("/referrals", { params: { query: { status, limit: PAGE_SIZE, cursor } } })));
}

export function acceptReferral(clients: Clients, id: string, body: ReferralAccept) {
  return unwrap(clients.casework.POST("/referrals/{referral_id}/accept",
    { params: { path: { referral_id: id } }, body }));
}

export function declineReferral(clients: Clients, id: string, reason: string) {
  return unwrap(clients.casework.POST("/referrals/{referral_id}/decline",
    { params: { path: { referral_id: id } }, body: { reason } }));
}

export function transferReferral(clients: Clients, id: string, organisation: string) {
  return unwrap(clients.casework.POST("/referrals/{referral_id}/transfer",
    { params: { path: { referral_id: id } }, body: { organisation } }));
}
