// The application: providers, the shell (header, navigation) and the screens by path.
import { useEffect, useMemo, type ReactNode } from "react";
import { SessionProvider, useSession } from "../lib/auth/session";
import { I18nProvider, useI18n } from "../lib/i18n/i18n";
import { DeviceProvider } from "../lib/queue/device";
import type { Outbox } from "../lib/queue/outbox";
import { intakeSender } from "../lib/queue/sender";
import { warmVocabularies } from "../lib/vocab/vocab";
import { AppServicesProvider, useServices, type AppServices } from "./context";
import { RouterProvider } from "./router";
import { Shell } from "./Shell";

export function App({ services }: { services: AppServices }) {
  return (
    <I18nProvider>
      <AppServicesProvider value={services}>
        <WithSession />
      </AppServicesProvider>
    </I18nProvider>
  );
}

function WithSession() {
  const { language } = useI18n();
  const { config } = useServices();
  return (
    <SessionProvider config={config} language={language}>
      <WithDevice>
        <RouterProvider>
          <Shell />
        </RouterProvider>
      </WithDevice>
    </SessionProvider>
  );
}

function WithDevice({ children }: { children: ReactNode }) {
  const { config, clients, requests } = useServices();
  const session = useSession();
  const signedIn = session.status === "signed-in";
  const sender = useMemo(() => (outbox: Outbox) => intakeSender(config, clients, requests, outbox),
    [config, clients, requests]);
  useEffect(() => {
    if (signedIn && session.hasRole("monitor", "documentation_officer")) void warmVocabularies(clients);
  }, [signedIn, session, clients]);
  return <DeviceProvider sender={signedIn ? sender : null} signedIn={signedIn}>{children}</DeviceProvider>;
}
