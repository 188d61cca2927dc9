// The signed-in session: tokens in memory only (a reload forgets them), silently renewed with the
// refresh token before they expire, and handed to the API clients through tokenNow().
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { AppConfig } from "../config";
import {
  authorizationUrl, claimsOf, completeSignIn, discover, logoutUrl, refreshTokens, type Claims, type Discovery,
  type Tokens,
} from "./oidc";

export type SessionStatus = "starting" | "signed-out" | "signed-in" | "expired";

interface Session {
  status: SessionStatus;
  claims: Claims | null;
  error: string | null;
  signIn: (returnTo?: string) => Promise<void>;
  /** Forgets the tokens and ends the provider's session (the caller erases the device first). */
  signOut: () => void;
  hasRole: (...roles: string[]) => boolean;
}

const SessionContext = createContext<Session | null>(null);
let currentToken: string | null = null;

/** The access token for the request being made now, or null. */
export function tokenNow(): string | null {
  return currentToken;
}

// Renew this long before the access token expires (tokens live 5 minutes).
const RENEW_MARGIN_MS = 60_000;

export function SessionProvider({ config, language, children }:
  { config: AppConfig; language: string; children: ReactNode }) {
  const [status, setStatus] = useState<SessionStatus>("starting");
  const [claims, setClaims] = useState<Claims | null>(null);
  const [error, setError] = useState<string | null>(null);
  const tokens = useRef<Tokens | null>(null);
  const discovery = useRef<Discovery | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const renewRef = useRef<() => Promise<void>>(async () => undefined);

  const getDiscovery = useCallback(async () => (discovery.current ??= await discover(config.issuer)), [config]);

  const accept = useCallback((next: Tokens) => {
    tokens.current = next;
    currentToken = next.accessToken;
    setClaims(claimsOf(next.accessToken));
    setStatus("signed-in");
    window.clearTimeout(timer.current);
    const delay = Math.max(5_000, next.expiresAt - Date.now() - RENEW_MARGIN_MS);
    timer.current = window.setTimeout(() => void renewRef.current(), delay);
  }, []);

  const renew = useCallback(async () => {
    const refresh = tokens.current?.refreshToken;
    if (!refresh) return setStatus("expired");
    try {
      accept(await refreshTokens(await getDiscovery(), config.clientId, refresh));
    } catch {
      // Offline or the provider's session ended: keep the refresh token and try again shortly while
      // the access token may still be valid; after that the user signs in again (the queue waits).
      if (tokens.current && tokens.current.expiresAt > Date.now() + 10_000) {
        timer.current = window.setTimeout(() => void renew(), 15_000);
      } else {
        currentToken = null;
        setStatus("expired");
      }
    }
  }, [accept, config, getDiscovery]);
  renewRef.current = renew;

  useEffect(() => {
    const url = new URL(location.href);
    if (url.pathname !== "/auth/callback") {
      setStatus("signed-out");
      return;
    }
    getDiscovery()
      .then((d) => completeSignIn(d, config.clientId, url))
      .then(({ tokens: next, returnTo }) => {
        history.replaceState(null, "", returnTo);
        // The router read the callback's address at start: tell it the app is now at the screen asked for.
        window.dispatchEvent(new PopStateEvent("popstate"));
        accept(next);
      })
      .catch((e: unknown) => {
        history.replaceState(null, "", "/");
        setError(e instanceof Error ? e.message : String(e));
        setStatus("signed-out");
      });
    return () => window.clearTimeout(timer.current);
  }, [accept, config, getDiscovery]);

  const signIn = useCallback(async (returnTo = location.pathname) => {
    const target = await authorizationUrl(await getDiscovery(), config.clientId, returnTo, language);
    location.assign(target);
  }, [config, getDiscovery, language]);

  const signOut = useCallback(() => {
    window.clearTimeout(timer.current);
    const idToken = tokens.current?.idToken ?? null;
    tokens.current = null;
    currentToken = null;
    setClaims(null);
    setStatus("signed-out");
    const target = discovery.current && navigator.onLine ? logoutUrl(discovery.current, config.clientId, idToken) : null;
    location.assign(target ?? "/");
  }, [config]);

  const value = useMemo<Session>(() => ({
    status, claims, error, signIn, signOut,
    hasRole: (...roles) => !!claims && roles.some((r) => claims.roles.includes(r)),
  }), [status, claims, error, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}
