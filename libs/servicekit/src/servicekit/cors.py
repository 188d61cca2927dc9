"""Cross-origin calls from the staff web app: an allow-list of origins per service, never a wildcard.

The web app sends bearer tokens in the Authorization header, not cookies, so credentials are not
allowed (a browser then never attaches cookies or client certificates to these calls).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

__all__ = ["ALLOWED_HEADERS", "EXPOSED_HEADERS", "check_origin", "with_cors"]

ALLOWED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
# What the web app sends: its token, JSON bodies, the idempotency key of a queued submission, trace ids.
ALLOWED_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key", "X-Correlation-Id", "traceparent",
                   "Accept-Language"]
# What the web app must read from answers: back-off, created resources, replays, downloads, challenges.
EXPOSED_HEADERS = ["Retry-After", "Location", "Idempotent-Replayed", "ETag", "Content-Disposition",
                   "WWW-Authenticate"]
PREFLIGHT_MAX_AGE_SECONDS = 600


def check_origin(origin: str) -> str:
    """The origin itself when it is `scheme://host[:port]` over http(s); ValueError otherwise (`*` included)."""
    if not isinstance(origin, str) or "*" in origin:
        raise ValueError(f"not an allowed origin (no wildcard): {origin!r}")
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query or parts.fragment \
            or parts.username or parts.password:
        raise ValueError(f"not an origin (scheme://host[:port], nothing else): {origin!r}")
    return origin


def with_cors(app: ASGIApp, origins: Iterable[str]) -> ASGIApp:
    """`app` answering preflights and tagging answers for the listed origins only; unchanged with no origin."""
    allowed = [check_origin(origin) for origin in origins]
    if not allowed:
        return app
    return CORSMiddleware(app, allow_origins=allowed, allow_methods=ALLOWED_METHODS, allow_headers=ALLOWED_HEADERS,
                          expose_headers=EXPOSED_HEADERS, allow_credentials=False, max_age=PREFLIGHT_MAX_AGE_SECONDS)
