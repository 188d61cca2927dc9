// Advocacy actions and recommendations through the generated client.
import { unwrap, type Clients } from "../../lib/api/client";
import type { components } from "../../lib/api/generated/advocacy";
import { everyItem, PAGE_SIZE } from "../../lib/api/pages";

export type Action = components["schemas"]["ActionPublic"];
export type ActionCreate = components["schemas"]["ActionCreate"];
export type Recommendation = components["schemas"]["RecommendationPublic"];
export type RecommendationCreate = components["schemas"]["RecommendationCreate"];
export type StatusChange = components["schemas"]["StatusChange"];


export function listActions(clients: Clients): Promise<Action[]> {
  return everyItem((cursor) => unwrap(clients.advocacy.GET("/actions", { params: { query: { limit: PAGE_SIZE, cursor } } })));
}

export function logAction(clients: Clients, body: ActionCreate) {
  return unwrap(clients.advocacy.POST("/actions", { body }));
}

export function listRecommendations(clients: Clients): Promise<Recommendation[]> {
  return everyItem((cursor) =>
    unwrap(clients.advocacy.GET("/recommendations", { params: { query: { limit: PAGE_SIZE, cursor } } })));
}

export function makeRecommendation(clients: Clients, body: RecommendationCreate) {
  return unwrap(clients.advocacy.POST("/recommendations", { body }));
}

export function changeStatus(clients: Clients, id: string, body: StatusChange) {
  return unwrap(clients.advocacy.POST("/recommendations/{recommendation_id}/status",
    { params: { path: { recommendation_id: id } }, body }));
}
