import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { createClients } from "./lib/api/client";
import { tokenNow } from "./lib/auth/session";
import { loadConfig } from "./lib/config";
import { savedLanguage } from "./lib/i18n/i18n";
import "./styles.css";

async function start(): Promise<void> {
  const root = createRoot(document.getElementById("root") as HTMLElement);
  document.documentElement.lang = savedLanguage();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => undefined);
  }
  try {
    const config = await loadConfig();
    const requests = { token: tokenNow, language: savedLanguage };
    root.render(
      <StrictMode>
        <App services={{ config, clients: createClients(config, requests), requests }} />
      </StrictMode>,
    );
  } catch {
    // Without its configuration the app cannot reach anything; say so in both languages.
    const message = document.createElement("p");
    message.className = "fatal";
    message.textContent = "Configuration introuvable (config.json). Configuration not found.";
    document.getElementById("root")?.replaceChildren(message);
  }
}

void start();
