// Advocacy actions and recommendations through the generated client.
import { unwrap, type Clients } from "../../lib/api/client";
import type { components } from "../../lib/api/generated/advocacy";

export type Action = components["schemas"]["ActionPublic"];
export type ActionCreate = components["schemas"]["ActionCreate"];
export type Recommendation = components["schemas"]["RecommendationPublic"];
export type RecommendationCreate = components["schemas"]["RecommendationCreate"];
export type StatusChange = components["schemas"]["StatusChange"];

const keyed = (key: string) => ({ header: { "Idempotency-Key": key } });

export function listActions(clients: Clients) {
  return unwrap(clients.advocacy.GET("/actions", { params: { query: {} } }));
}

export function logAction(clients: Clients, body: ActionCreate, key: string) {
  return unwrap(clients.advocacy.POST("/actions", { params: keyed(key), body }));
}

export function listRecommendations(clients: Clients) {
  return unwrap(clients.advocacy.GET("/recommendations", { params: { query: {} } }));
}

export function makeRecommendation(clients: Clients, body: RecommendationCreate, key: string) {
  return unwrap(clients.advocacy.POST("/recommendations", { params: keyed(key), body }));
}

export function changeStatus(clients: Clients, id: string, body: StatusChange) {
  return unwrap(clients.advocacy.POST("/recommendations/{recommendation_id}/status",
    { params: { path: { recommendation_id: id } }, body }));
}
