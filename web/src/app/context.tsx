// What every screen reaches: the runtime configuration, the typed clients and the request context.
import { createContext, useContext, type ReactNode } from "react";
import type { Clients, RequestContext } from "../lib/api/client";
import type { AppConfig } from "../lib/config";

export interface AppServices {
  config: AppConfig;
  clients: Clients;
  requests: RequestContext;
}

const AppContext = createContext<AppServices | null>(null);

export function AppServicesProvider({ value, children }: { value: AppServices; children: ReactNode }) {
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

export function useServices(): AppServices {
  const value = useContext(AppContext);
  if (!value) throw new Error("useServices outside AppServicesProvider");
  return value;
}
