// Runtime configuration, fetched at start from /config.json so any partner can host the same build.
export const SERVICES = ["intake", "casework", "advocacy", "education", "notify"] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface AppConfig {
  issuer: string;
  clientId: string;
  services: Record<ServiceName, string>;
}

function isConfig(value: unknown): value is AppConfig {
  if (!value || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  const services = v.services as Record<string, unknown> | undefined;
  return typeof v.issuer === "string" && typeof v.clientId === "string" && !!services &&
    SERVICES.every((s) => typeof services[s] === "string");
}

export async function loadConfig(): Promise<AppConfig> {
  const response = await fetch("/config.json", { cache: "no-cache" });
  const body: unknown = await response.json();
  if (!isConfig(body)) throw new Error("config.json lacks issuer, clientId or a service URL");
  const services = Object.fromEntries(SERVICES.map((s) => [s, body.services[s].replace(/\/+$/, "")]));
  return { ...body, issuer: body.issuer.replace(/\/+$/, ""), services: services as Record<ServiceName, string> };
}
