"""Obtaining a victim's data key from intake, the custodian (DESIGN.md section 4).

Contract of intake's release endpoint:
    POST {intake}/internal/keys/{victim_id}/release
         body {"purpose": "notifications" | "legal_support", "organisation": code (legal support: required)}
    Authorization: a service token with scope `pii:decrypt`
    200 {"victim_id", "data_key": base64url, "expires_in": seconds}
    403 purpose not consented, organisation not one the victim shares with (or caller not allowed that
    purpose); 404 unknown victim; 410 erased; 429/503 busy, with `Retry-After` (seconds).
Keys live only in this process's memory for a short TTL and are dropped at once on erasure.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from .crypto import decrypt_field
from .errors import TransientError
from .settings import BaseServiceSettings

TokenProvider = Callable[[], Awaitable[str]]
PURPOSES = frozenset({"notifications", "legal_support"})


class KeyUnavailable(Exception):
    """The key will not be released: no consent for the purpose, unknown or erased victim."""

    def __init__(self, victim_id: str, status: int) -> None:
        super().__init__(f"key for victim {victim_id} unavailable (HTTP {status})")
        self.victim_id = victim_id
        self.status = status

    @property
    def erased(self) -> bool:
        return self.status == 410


class ReleaseDeferred(TransientError):
    """Intake asked to come back later (429/503); `retry_after` is its `Retry-After` in seconds, if any."""

    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(f"key release answered HTTP {status}")
        self.status = status
        self.retry_after = retry_after


def retry_after_of(response: httpx.Response) -> float | None:
    """The answer's `Retry-After` in seconds (the delay form; an HTTP date is ignored), or None."""
    try:
        seconds = float(response.headers.get("retry-after", ""))
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


class KeyClient:
    """Fetches and briefly caches data keys for one purpose; never persists them."""

    def __init__(self, base_url: str, token_provider: TokenProvider, *, purpose: str, ttl_seconds: float = 300.0,
                 http: httpx.AsyncClient | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        if purpose not in PURPOSES:
            raise ValueError(f"purpose must be one of {sorted(PURPOSES)}")
        self.base_url = base_url.rstrip("/")
        self.token_provider = token_provider
        self.purpose = purpose
        self.ttl_seconds = ttl_seconds
        self.http = http or httpx.AsyncClient(timeout=5.0)
        self.clock = clock
        # Keyed by victim and organisation: intake's consent check is per organisation, so is the cache.
        self._cache: dict[tuple[str, str | None], tuple[bytes, float]] = {}

    async def data_key(self, victim_id: str, organisation: str | None = None) -> bytes:
        """The victim's data key (released to act for `organisation`, when the purpose needs one); raises
        KeyUnavailable (final) or TransientError (retry later)."""
        cached = self._cache.get((victim_id, organisation))
        if cached and cached[1] > self.clock():
            return cached[0]
        token = await self.token_provider()
        body = {"purpose": self.purpose, **({"organisation": organisation} if organisation else {})}
        try:
            response = await self.http.post(f"{self.base_url}/internal/keys/{victim_id}/release", json=body,
                                            headers={"Authorization": f"Bearer {token}"})
        except httpx.TransportError as exc:
            raise TransientError("intake unreachable for key release") from exc
        if response.status_code in (403, 404, 410):
            self.forget(victim_id)
            raise KeyUnavailable(victim_id, response.status_code)
        if response.status_code in (429, 503):
            raise ReleaseDeferred(response.status_code, retry_after_of(response))
        if response.status_code != 200:
            raise TransientError(f"key release answered HTTP {response.status_code}")
        body = response.json()
        key = base64.urlsafe_b64decode(body["data_key"] + "=" * (-len(body["data_key"]) % 4))
        ttl = min(self.ttl_seconds, float(body.get("expires_in", self.ttl_seconds)))
        self._cache[(victim_id, organisation)] = (key, self.clock() + ttl)
        return key

    async def decrypt(self, victim_id: str, field: str, ciphertext: str, organisation: str | None = None) -> str:
        """Decrypt one field of a victim (AAD binds victim id and field name)."""
        key = await self.data_key(victim_id, organisation)
        return decrypt_field(key, ciphertext, subject_id=victim_id, field=field)

    def forget(self, victim_id: str) -> None:
        """Drop every cached key of a victim (on `intake.victim.erased.v1` or a consent change)."""
        for cached in [k for k in self._cache if k[0] == victim_id]:
            del self._cache[cached]

    async def close(self) -> None:
        await self.http.aclose()


def dev_service_token_provider(private_key_file: Path, *, service: str, ttl_seconds: int = 600) -> TokenProvider:
    """Development only: the service signs its own `pii:decrypt` token with the dev key.

    Production uses the identity provider's client-credentials flow instead.
    """
    from .devtokens import mint_token

    state: dict[str, float | str] = {"token": "", "until": 0.0}

    async def provide() -> str:
        if time.time() >= float(state["until"]):
            state["token"] = mint_token(private_key_file, subject=f"svc-{service}", roles=[], scopes=["pii:decrypt"],
                                        service=True, ttl_seconds=ttl_seconds)
            state["until"] = time.time() + ttl_seconds / 2
        return str(state["token"])

    return provide


def client_credentials_token_provider(token_url: str, client_id: str, client_secret: str, *,
                                      scope: str = "pii:decrypt", audience: str | None = None,
                                      http: httpx.AsyncClient | None = None) -> TokenProvider:
    """Production: an OAuth2 client-credentials token from the identity provider, renewed before expiry."""
    client = http or httpx.AsyncClient(timeout=5.0)
    state: dict[str, float | str] = {"token": "", "until": 0.0}

    async def provide() -> str:
        if time.time() < float(state["until"]):
            return str(state["token"])
        form = {"grant_type": "client_credentials", "scope": scope}
        if audience:
            form["audience"] = audience
        try:
            response = await client.post(token_url, data=form, auth=(client_id, client_secret))
        except httpx.TransportError as exc:
            raise TransientError("identity provider unreachable") from exc
        if response.status_code in (429, 503):
            raise ReleaseDeferred(response.status_code, retry_after_of(response))
        if response.status_code != 200:
            raise TransientError(f"identity provider answered HTTP {response.status_code}")
        body = response.json()
        state["token"] = body["access_token"]
        state["until"] = time.time() + float(body.get("expires_in", 300)) / 2
        return str(state["token"])

    return provide


def service_token_provider(settings: BaseServiceSettings) -> TokenProvider:
    """This service's token for intake's key release: client credentials when configured, the dev key in
    development, and otherwise a transient refusal (work that needs a key waits; nothing is lost)."""
    if settings.oauth_token_url and settings.oauth_client_id and settings.oauth_client_secret:
        return client_credentials_token_provider(settings.oauth_token_url, settings.oauth_client_id,
                                                 settings.oauth_client_secret.get_secret_value(),
                                                 audience=settings.auth_audience)
    if settings.dev_signing_key_file is not None:
        return dev_service_token_provider(settings.dev_signing_key_file, service=settings.service_name)

    async def unconfigured() -> str:
        raise TransientError(f"{settings.service_name} has no service credentials for key release")

    return unconfigured
