"""Trusted token issuers and their signing keys: a JWKS file, a JWKS URL, or OpenID Connect discovery.

Keys fetched over plain HTTP could be swapped in transit, which would let anyone mint tokens: every
URL (issuer, discovery, JWKS) must be https, except on a loopback host where development runs.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

__all__ = ["TrustedIssuer", "secure_url"]

_log = logging.getLogger("servicekit.auth")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def secure_url(url: str) -> bool:
    """True for an https URL, or an http URL on a loopback host (development)."""
    parts = urlsplit(url)
    if not parts.hostname:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL_HOSTS)


@dataclass(frozen=True)
class TrustedIssuer:
    """An issuer whose tokens are accepted for ``audience``, with keys from a JWKS file, a JWKS URL, or
    the JWKS its OpenID discovery document names (``discover=True``)."""

    issuer: str
    audience: str
    jwks_file: Path | None = None
    jwks_url: str | None = None
    discover: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.jwks_file, str):  # settings often hand over plain strings
            object.__setattr__(self, "jwks_file", Path(self.jwks_file))
        sources = [self.jwks_file is not None, self.jwks_url is not None, self.discover]
        if sum(sources) != 1:
            raise ValueError(f"issuer {self.issuer}: give exactly one of jwks_file, jwks_url or discover")
        if self.jwks_url is not None and not secure_url(self.jwks_url):
            raise ValueError(f"issuer {self.issuer}: jwks_url must use https")
        if self.discover and not secure_url(self.issuer):
            raise ValueError(f"issuer {self.issuer}: a discovered issuer must use https")

    @property
    def discovery_url(self) -> str:
        """Where the issuer publishes its OpenID configuration (OpenID Connect Discovery 1.0, section 4)."""
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def public_key(jwk: dict[str, Any]) -> jwt.PyJWK | None:
    """A verification key from a JWK, or None when its type is not one we accept."""
    if jwk.get("use", "sig") != "sig" or not isinstance(jwk.get("kid"), str):
        return None
    members: tuple[str, ...]
    if jwk.get("kty") == "RSA":
        alg, members = "RS256", ("kty", "n", "e")
    elif jwk.get("kty") == "EC" and jwk.get("crv") == "P-256":
        alg, members = "ES256", ("kty", "crv", "x", "y")
    else:
        return None
    if jwk.get("alg", alg) != alg:
        return None
    try:
        # Public members only: a JWKS that leaks a private key must still never be used to verify with it.
        key = jwt.PyJWK({name: jwk[name] for name in members}, algorithm=alg)
    except (KeyError, jwt.PyJWTError, ValueError):
        return None
    if isinstance(key.key, RSAPublicKey) and key.key.key_size < 2048:
        return None
    return key


class IssuerKeys:
    """The cached JWKS of one issuer, refreshed on an unknown kid at most once per interval."""

    def __init__(self, issuer: TrustedIssuer) -> None:
        self.issuer = issuer
        self.keys: dict[str, jwt.PyJWK] = {}
        self.fetched_at: float | None = None
        self.attempted_at: float | None = None
        self.lock = asyncio.Lock()

    async def load(self, transport: httpx.AsyncBaseTransport | None, now: float) -> None:
        """Replace the cached keys with the issuer's current ones; on failure keep the cached keys."""
        source = self.issuer
        try:
            if source.jwks_file is not None:
                document = json.loads(source.jwks_file.read_text(encoding="utf-8"))
            else:
                async with httpx.AsyncClient(transport=transport, timeout=5.0) as client:
                    url = source.jwks_url or await self._discovered_jwks_url(client)
                    response = await client.get(url)
                    response.raise_for_status()
                    document = response.json()
            entries = document["keys"]
        except (OSError, ValueError, KeyError, TypeError, httpx.HTTPError) as exc:
            _log.warning("cannot load JWKS of issuer %s (%s); keeping cached keys",
                         source.issuer, type(exc).__name__)
            return
        keys = {jwk["kid"]: key for jwk in entries if isinstance(jwk, dict) and (key := public_key(jwk))}
        self.keys = keys  # replaced, not merged: a key withdrawn from the JWKS is dropped
        self.fetched_at = now

    async def _discovered_jwks_url(self, client: httpx.AsyncClient) -> str:
        # Read afresh on every refresh: a provider that moves its keys is followed without a restart.
        response = await client.get(self.issuer.discovery_url)
        response.raise_for_status()
        document = response.json()
        # A discovery document naming another issuer is a misconfiguration or a spoof: trust nothing from it.
        if document.get("issuer") != self.issuer.issuer:
            raise ValueError("discovery document names another issuer")
        jwks_uri = document.get("jwks_uri")
        if not isinstance(jwks_uri, str) or not secure_url(jwks_uri):
            raise ValueError("discovery document has no acceptable jwks_uri")
        return jwks_uri
