"""OAuth2 bearer JWT verification and role/scope checks for FastAPI routes.

The app factory puts a :class:`TokenVerifier` on ``app.state.token_verifier`` and calls
:func:`install_auth_handlers` so denials are rendered as ``application/problem+json``. A route asks
for a principal with the roles (any of) and scopes (all of) it needs::

    @router.get("/victims/{victim_id}")
    async def read_victim(
        victim_id: str,
        principal: Annotated[Principal, Depends(require(roles={"monitor", "documentation_officer"}))],
    ) -> VictimPublic: ...

``require()`` with no arguments accepts any authenticated principal. There is no implicit superuser:
``admin`` passes only where it is listed. A missing or invalid token is 401 with
``WWW-Authenticate: Bearer ...``; a valid token without the needed role or scopes is 403. Only RS256
and ES256 signatures from a trusted issuer's JWKS are accepted; the token is never echoed or logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException

from .issuers import IssuerKeys, TrustedIssuer
from .verified_tokens import Verified, VerifiedTokens

__all__ = ["ALLOWED_ALGORITHMS", "ROLES", "AuthError", "AuthProblem", "PermissionDenied", "Principal",
           "TokenVerifier", "TrustedIssuer", "install_auth_handlers", "require"]

_log = logging.getLogger(__name__)

ROLES: frozenset[str] = frozenset({"monitor", "documentation_officer", "lawyer", "case_manager",
                                   "advocacy_officer", "analyst", "educator", "notify_admin", "admin"})
# Asymmetric only: no HS* (the public key must never double as an HMAC secret), no "none".
ALLOWED_ALGORITHMS: frozenset[str] = frozenset({"RS256", "ES256"})
_REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]
_MAX_TOKEN_CHARS = 16_384
# Most specific first: the reason a client (and the operator reading the log) is told.
_REASONS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "token has expired"),
    (jwt.ImmatureSignatureError, "token is not yet valid"),
    (jwt.InvalidAudienceError, "token audience is not accepted"),
    (jwt.InvalidIssuerError, "token issuer is not trusted"),
    (jwt.MissingRequiredClaimError, "token lacks a required claim"),
    (jwt.InvalidSignatureError, "token signature is invalid"),
)


class AuthProblem(HTTPException):
    """Base of auth denials; an HTTPException so the status and challenge hold even without handlers."""

    title = "Unauthorized"

    def __init__(self, status: int, detail: str, challenge: str) -> None:
        super().__init__(status_code=status, detail=detail, headers={"WWW-Authenticate": challenge})

    def problem(self) -> dict[str, Any]:
        """The RFC 9457 body: never contains the token."""
        return {"type": "about:blank", "title": self.title, "status": self.status_code, "detail": self.detail}


class AuthError(AuthProblem):
    """Missing or invalid bearer token: 401."""

    def __init__(self, detail: str, *, error: str | None = "invalid_token") -> None:
        super().__init__(401, detail, f'Bearer error="{error}"' if error else "Bearer")


class PermissionDenied(AuthProblem):
    """Authenticated, but without the role or scopes the route needs: 403."""

    title = "Forbidden"

    def __init__(self, detail: str) -> None:
        super().__init__(403, detail, 'Bearer error="insufficient_scope"')


@dataclass(frozen=True)
class Principal:
    """Who is calling, as asserted by a verified token."""

    subject: str
    issuer: str
    roles: frozenset[str]
    scopes: frozenset[str]
    organisation: str | None
    is_service: bool
    # Kept out of repr and comparisons: OIDC claims can carry a name or e-mail that must not reach logs.
    claims: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def has_any_role(self, roles: Iterable[str]) -> bool:
        """True when the principal holds at least one of ``roles``."""
        return not self.roles.isdisjoint(roles)

    def has_scopes(self, scopes: Iterable[str]) -> bool:
        """True when the principal holds every scope in ``scopes``."""
        return self.scopes.issuperset(scopes)

    @property
    def username(self) -> str | None:
        """The provider's login name (`preferred_username`), for display; decisions use `subject`."""
        name = self.claims.get("preferred_username")
        return name if isinstance(name, str) else None


class TokenVerifier:
    """Verifies bearer JWTs against the keys of the trusted issuers and returns a Principal."""

    def __init__(self, issuers: list[TrustedIssuer], leeway_seconds: int = 30, *,
                 refresh_interval_seconds: float = 60.0, cache_ttl_seconds: float = 3600.0,
                 http_transport: httpx.AsyncBaseTransport | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._issuers = {issuer.issuer: IssuerKeys(issuer) for issuer in issuers}
        if len(self._issuers) != len(issuers):
            raise ValueError("each issuer may be trusted only once")
        self._leeway = leeway_seconds
        self._refresh_interval = refresh_interval_seconds
        self._cache_ttl = cache_ttl_seconds
        self._transport = http_transport
        self._clock = clock
        self._verified = VerifiedTokens()

    async def verify(self, token: str) -> Principal:
        """Verify signature, issuer, audience and lifetime; raise AuthError on any failure."""
        if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN_CHARS:
            raise AuthError("malformed token")
        if (remembered := self._remembered(token)) is not None:
            return remembered
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            raise AuthError("malformed token") from None
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in ALLOWED_ALGORITHMS:
            raise AuthError("token algorithm is not allowed")
        kid, issuer = header.get("kid"), unverified.get("iss")
        source = self._issuers.get(issuer) if isinstance(issuer, str) else None
        if source is None:
            raise AuthError("token issuer is not trusted")
        if not isinstance(kid, str):
            raise AuthError("token has no key id")
        key = await self._key(source, kid)
        if key is None:
            raise AuthError("token signing key is unknown")
        claims = self._decode(token, key, source.issuer)
        principal = _principal(claims)
        self._verified.put(token, Verified(principal, source, key, kid, float(claims["exp"])))
        return _copy(principal)

    def _remembered(self, token: str) -> Principal | None:
        """The principal of a token verified before, while it is unexpired and its very key still trusted.

        Expiry is checked as PyJWT checks it (valid while now < exp + leeway); a key re-read from the
        JWKS (after the cache TTL, or a rotation) is a new object, so its tokens are verified again.
        """
        seen = self._verified.get(token)
        if seen is None:
            return None
        if (time.time() >= seen.expires_at + self._leeway or self._stale(seen.source)
                or seen.source.keys.get(seen.kid) is not seen.key):
            self._verified.forget(token)
            return None
        return _copy(seen.principal)

    def _decode(self, token: str, key: jwt.PyJWK, issuer: TrustedIssuer) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key=key, algorithms=[key.algorithm_name], audience=issuer.audience,
                issuer=issuer.issuer, leeway=self._leeway, options={"require": _REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError as exc:
            reason = next((text for kind, text in _REASONS if isinstance(exc, kind)), "token is invalid")
            raise AuthError(reason) from None
        # Older PyJWT releases only type-check iat; a token issued in the future is not yet valid.
        if isinstance(claims.get("iat"), int | float) and claims["iat"] > time.time() + self._leeway:
            raise AuthError("token is not yet valid")
        return claims

    async def _key(self, source: IssuerKeys, kid: str) -> jwt.PyJWK | None:
        if kid in source.keys and not self._stale(source):
            return source.keys[kid]
        async with source.lock:  # one fetch per issuer, however many requests race on a rotation
            now = self._clock()
            due = source.attempted_at is None or now - source.attempted_at >= self._refresh_interval
            if (kid not in source.keys or self._stale(source)) and due:
                source.attempted_at = now
                await source.load(self._transport, now)
            return source.keys.get(kid)

    def _stale(self, source: IssuerKeys) -> bool:
        # Keys are re-read after the TTL so a key withdrawn from the JWKS stops being accepted.
        return source.fetched_at is None or self._clock() - source.fetched_at >= self._cache_ttl


def _copy(principal: Principal) -> Principal:
    """A principal whose claims a caller may edit without touching the remembered one."""
    return replace(principal, claims=_json_copy(principal.claims))


def _json_copy(value: Any) -> Any:
    """A deep copy of a JSON value (claims are decoded JSON), in a third of copy.deepcopy's CPU, which
    was the largest part of a remembered token's verification on every request."""
    if isinstance(value, dict):
        return {key: _json_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_copy(item) for item in value]
    return value  # str, int, float, bool, None: immutable


def _strings(value: Any, claim: str) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return frozenset(value)
    raise AuthError(f"token {claim} claim is malformed")


def _principal(claims: dict[str, Any]) -> Principal:
    subject, org = claims.get("sub"), claims.get("org")
    if not isinstance(subject, str) or not subject:
        raise AuthError("token subject is malformed")
    if org is not None and not isinstance(org, str):
        raise AuthError("token org claim is malformed")
    roles = claims.get("roles", [])
    if not isinstance(roles, list):  # a bare string would otherwise be read as a list of roles
        raise AuthError("token roles claim is malformed")
    scopes = _strings(claims.get("scope", ""), "scope") | _strings(claims.get("scp", []), "scp")
    return Principal(subject=subject, issuer=claims["iss"], roles=_strings(roles, "roles"), scopes=scopes,
                     organisation=org, is_service=claims.get("principal_type") == "service",
                     claims=dict(claims))


_bearer = HTTPBearer(auto_error=False, description="OAuth2 access token (JWT) from a trusted issuer")


def require(*, roles: set[str] | None = None,
            scopes: set[str] | None = None) -> Callable[..., Awaitable[Principal]]:
    """A FastAPI dependency yielding the caller's Principal if it has any of ``roles`` and all ``scopes``."""
    if roles is not None and (not roles or not roles <= ROLES):
        raise ValueError(f"require(): roles must be a non-empty subset of {sorted(ROLES)}")
    if scopes is not None and not scopes:
        raise ValueError("require(): scopes must be non-empty when given")
    wanted_roles, wanted_scopes = frozenset(roles or ()), frozenset(scopes or ())

    async def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        if credentials is None:
            # RFC 6750 §3.1: a request with no credentials gets a bare challenge, no error code.
            raise AuthError("a bearer token is required", error=None)
        verifier = getattr(request.app.state, "token_verifier", None)
        if not isinstance(verifier, TokenVerifier):  # misconfigured app: fail closed with a 500
            raise RuntimeError("app.state.token_verifier is not set to a TokenVerifier")
        try:
            principal = await verifier.verify(credentials.credentials)
            if wanted_roles and not principal.has_any_role(wanted_roles):
                raise PermissionDenied("a required role is missing")
            if not principal.has_scopes(wanted_scopes):
                raise PermissionDenied("a required scope is missing")
        except AuthProblem as exc:
            # The reason only: never the token, and never the subject (it may be an e-mail address).
            _log.info("request denied: %s %s", exc.status_code, exc.detail)
            raise
        request.state.principal = principal
        return principal

    return dependency


async def _problem_response(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AuthProblem)
    # Localised by servicekit.problems; the code is the reason made a slug ("token has expired" -> token_has_expired).
    from .problems import auth_problem_response

    return auth_problem_response(request, exc.status_code, str(exc.detail), exc.headers)


def install_auth_handlers(app: FastAPI) -> None:
    """Render AuthError (401) and PermissionDenied (403) as application/problem+json."""
    app.add_exception_handler(AuthProblem, _problem_response)
