// Education's sessions, campaigns, reach and priority regions through the generated client.
import { unwrap, type Clients } from "../../lib/api/client";
import { everyItem, PAGE_SIZE } from "../../lib/api/pages";
import type { components } from "../../lib/api/generated/education";

export type Session = components["schemas"]["SessionPublic"];
export type SessionCreate = components["schemas"]["SessionCreate"];
export type Campaign = components["schemas"]["CampaignPublic"];
export const SEXES = ["female", "male"] as const;

export interface RegionReach {
  sessions: number;
  participants: number;
  youth_reached: number;
  knowledge_gain: number | null;
}

export interface Reach {
  regions: Record<string, RegionReach>;
  total: RegionReach;
}

export interface Priority {
  rank: number;
  region: string;
  youth_reached: number;
  priority: boolean;
  documented_incidents: number | string;
  incidents_per_youth_reached: number | null;
}

export interface Progress {
  region: string;
  youth_target: number;
  youth_reached: number;
  youth_progress: number | null;
  sessions_target: number;
  sessions_held: number;
}

export function recordSession(clients: Clients, body: SessionCreate) {
  return unwrap(clients.education.POST("/sessions", { body }));
}

export async function loadReach(clients: Clients): Promise<Reach> {
  return (await unwrap(clients.education.GET("/reach", { params: { query: {} } }))) as unknown as Reach;
}

export async function loadPriorities(clients: Clients): Promise<Priority[]> {
  const found = await unwrap(clients.education.GET("/priority-regions", { params: { query: {} } }));
  return (found as unknown as { regions: Priority[] }).regions;
}

/** Every campaign, page after page (the service answers a page at a time). */
function allCampaigns(clients: Clients): Promise<Campaign[]> {
  return everyItem((cursor) => unwrap(clients.education.GET("/campaigns",
    { params: { query: { limit: PAGE_SIZE, cursor } } })));
}

/** Every campaign with its progress per target region. */
export async function loadCampaigns(clients: Clients): Promise<(Campaign & { progress: Progress[] })[]> {
  const campaigns = await allCampaigns(clients);
  return Promise.all(campaigns.map(async (c) => {
    const found = await unwrap(clients.education.GET("/campaigns/{campaign_id}",
      { params: { path: { campaign_id: c.id } } }));
    return { ...c, progress: found.progress as unknown as Progress[] };
  }));
}

export function launchCampaign(clients: Clients, body: components["schemas"]["CampaignCreate"]) {
  return unwrap(clients.education.POST("/campaigns", { body }));
}
