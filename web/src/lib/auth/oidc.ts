// OpenID Connect authorization code flow with PKCE (S256), for a public client. Tokens are returned
// to the caller and live in memory only; the PKCE verifier and state wait in sessionStorage across the
// provider's redirect (they identify no one and are removed when the callback completes).

export interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
}

export interface Tokens {
  accessToken: string;
  refreshToken: string | null;
  idToken: string | null;
  expiresAt: number;
}

export interface Claims {
  sub: string;
  roles: string[];
  org: string | null;
  username: string | null;
  exp: number;
}

const PENDING = "redress.oidc.pending";

export function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function discover(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`, { credentials: "omit" });
  if (!response.ok) throw new Error(`discovery failed: HTTP ${response.status}`);
  return (await response.json()) as Discovery;
}

export function redirectUri(): string {
  return `${location.origin}/auth/callback`;
}

/** The URL of the provider's sign-in page; remembers what the callback needs. */
export async function authorizationUrl(discovery: Discovery, clientId: string, returnTo: string,
  language: string): Promise<string> {
  const verifier = randomToken();
  const state = randomToken();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: "code", client_id: clientId, redirect_uri: redirectUri(), scope: "openid",
    code_challenge: await pkceChallenge(verifier), code_challenge_method: "S256", state, ui_locales: language,
  }).toString();
  return url.toString();
}

async function tokenRequest(discovery: Discovery, form: Record<string, string>): Promise<Tokens> {
  const response = await fetch(discovery.token_endpoint, {
    method: "POST", credentials: "omit", headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  if (!response.ok) throw new Error(`token endpoint answered HTTP ${response.status}`);
  const body = (await response.json()) as Record<string, unknown>;
  if (typeof body.access_token !== "string") throw new Error("no access token in the answer");
  const expiresIn = typeof body.expires_in === "number" ? body.expires_in : 300;
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === "string" ? body.refresh_token : null,
    idToken: typeof body.id_token === "string" ? body.id_token : null,
    expiresAt: Date.now() + expiresIn * 1000,
  };
}

/** Exchanges the callback's code for tokens; returns them with the path to go back to. */
export async function completeSignIn(discovery: Discovery, clientId: string,
  callback: URL): Promise<{ tokens: Tokens; returnTo: string }> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? "null") as
    { verifier: string; state: string; returnTo: string } | null;
  sessionStorage.removeItem(PENDING);
  const code = callback.searchParams.get("code");
  if (!pending || !code || callback.searchParams.get("state") !== pending.state) {
    throw new Error("sign-in answer does not match a sign-in started here");
  }
  const tokens = await tokenRequest(discovery, {
    grant_type: "authorization_code", code, redirect_uri: redirectUri(), client_id: clientId,
    code_verifier: pending.verifier,
  });
  return { tokens, returnTo: pending.returnTo.startsWith("/") ? pending.returnTo : "/" };
}

export function refreshTokens(discovery: Discovery, clientId: string, refreshToken: string): Promise<Tokens> {
  return tokenRequest(discovery, { grant_type: "refresh_token", refresh_token: refreshToken, client_id: clientId });
}

export function logoutUrl(discovery: Discovery, clientId: string, idToken: string | null): string | null {
  if (!discovery.end_session_endpoint) return null;
  const url = new URL(discovery.end_session_endpoint);
  const params: Record<string, string> = { client_id: clientId, post_logout_redirect_uri: `${location.origin}/` };
  if (idToken) params.id_token_hint = idToken;
  url.search = new URLSearchParams(params).toString();
  return url.toString();
}

/** The claims the app shows and routes by (the services verify the token; the app only reads it). */
export function claimsOf(accessToken: string): Claims {
  const part = accessToken.split(".")[1] ?? "";
  const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
  const raw = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as
    Record<string, unknown>;
  const roles = Array.isArray(raw.roles) ? raw.roles.filter((r): r is string => typeof r === "string") : [];
  return {
    sub: String(raw.sub ?? ""),
    roles,
    org: typeof raw.org === "string" ? raw.org : null,
    username: typeof raw.preferred_username === "string" ? raw.preferred_username : null,
    exp: typeof raw.exp === "number" ? raw.exp : 0,
  };
}
