"""Tokens from the real OpenID provider for tests and tools, without a browser (docs/identity.md).

``provider_token`` uses the development-only `redress-test` client (direct access grant);
``login_with_pkce`` walks the authorization-code + PKCE flow a browser walks for the web app: it asks
for the authorization page, posts the provider's login form, takes the code from the redirect and
redeems it with the verifier. Nothing here is used by a service at run time.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

__all__ = ["TEST_CLIENT_ID", "TEST_CLIENT_SECRET", "WEB_CLIENT_ID", "LoginRefused", "authorization_code", "discovery",
           "login_with_pkce", "pkce_pair", "provider_token"]

WEB_CLIENT_ID = "redress-web"
TEST_CLIENT_ID = "redress-test"
# Development realm only (deploy/local/idp/realm-redress.json); a real provider has no such client.
TEST_CLIENT_SECRET = "redress-test-dev-secret"


class LoginRefused(RuntimeError):
    """The provider did not complete the sign-in (wrong password, refused redirect URI, ...)."""


def discovery(issuer: str, client: httpx.Client | None = None) -> dict[str, Any]:
    """The provider's OpenID configuration."""
    http = client or httpx.Client(timeout=10.0)
    try:
        response = http.get(issuer.rstrip("/") + "/.well-known/openid-configuration")
        response.raise_for_status()
        document: dict[str, Any] = response.json()
    finally:
        if client is None:
            http.close()
    return document


def provider_token(issuer: str, username: str, password: str, *, client_id: str = TEST_CLIENT_ID,
                   client_secret: str = TEST_CLIENT_SECRET) -> str:
    """An access token for a user by the direct grant of the test client (development provider only)."""
    with httpx.Client(timeout=10.0) as client:
        endpoint = discovery(issuer, client)["token_endpoint"]
        response = client.post(endpoint, data={"grant_type": "password", "username": username, "password": password,
                                               "scope": "openid"}, auth=(client_id, client_secret))
    if response.status_code != 200:
        raise LoginRefused(f"token endpoint answered {response.status_code}: {response.json().get('error')}")
    return str(response.json()["access_token"])


class _LoginForm(HTMLParser):
    """Finds the action of the provider's login form (the first form with a password field)."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self._current: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self._current = values.get("action")
        elif tag == "input" and values.get("type") == "password" and self.action is None:
            self.action = self._current


def pkce_pair() -> tuple[str, str]:
    """A code verifier (RFC 7636: 43-128 characters) and its S256 challenge."""
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorization_code(client: httpx.Client, config: dict[str, Any], username: str, password: str, *,
                       redirect_uri: str, challenge: str | None, client_id: str = WEB_CLIENT_ID,
                       scope: str = "openid") -> str:
    """Sign in through the provider's login page as a browser would and return the code it redirects with."""
    state = secrets.token_urlsafe(16)
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": scope,
              "state": state, "nonce": secrets.token_urlsafe(16)}
    if challenge is not None:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    page = client.get(config["authorization_endpoint"], params=params)
    form = _LoginForm()
    form.feed(page.text)
    if page.status_code != 200 or form.action is None:
        raise LoginRefused(f"no login form (HTTP {page.status_code}, to {page.headers.get('location', '-')[:200]})")
    # The provider marks its session cookies Secure; a browser sends them to a loopback http origin (a
    # secure context), Python's cookie jar does not, so they are sent by hand.
    cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in client.cookies.jar)
    answer = client.post(form.action, data={"username": username, "password": password}, headers={"Cookie": cookies})
    location = answer.headers.get("location", "")
    if answer.status_code not in (302, 303) or not location.startswith(redirect_uri):
        raise LoginRefused(f"sign-in of {username} refused (HTTP {answer.status_code})")
    query = parse_qs(urlsplit(location).query)
    if query.get("state") != [state] or "code" not in query:
        raise LoginRefused("the redirect lacks the code or carries another state")
    return query["code"][0]


def login_with_pkce(issuer: str, username: str, password: str, *, redirect_uri: str,
                    client_id: str = WEB_CLIENT_ID, scope: str = "openid") -> dict[str, Any]:
    """The token response (access, refresh and id tokens) of a sign-in through the provider's login page."""
    verifier, challenge = pkce_pair()
    with httpx.Client(timeout=15.0, follow_redirects=False) as client:
        config = discovery(issuer, client)
        code = authorization_code(client, config, username, password, redirect_uri=redirect_uri,
                                  challenge=challenge, client_id=client_id, scope=scope)
        tokens = client.post(config["token_endpoint"], data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "client_id": client_id,
            "code_verifier": verifier})
    if tokens.status_code != 200:
        raise LoginRefused(f"code exchange answered {tokens.status_code}: {tokens.json().get('error')}")
    result: dict[str, Any] = tokens.json()
    return result
