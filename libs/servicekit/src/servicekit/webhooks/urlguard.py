"""Where a webhook may be sent: http(s) URLs whose host resolves only to public addresses.

A webhook must not become a way into the partner's own network: a URL naming (or resolving to) a
private, loopback, link-local, multicast or otherwise non-global address is refused, unless the
operator allows private addresses (development and tests on 127.0.0.1). The check runs when a
subscription is registered and again before every attempt, since DNS answers change.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

from ..errors import InvalidInput

MAX_URL_LENGTH = 2000
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_url(url: str) -> SplitResult:
    """The URL's parts, or a 422 naming `url` when it is not an absolute http(s) URL without credentials."""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidInput("webhook_url_too_long", field="url", limit=MAX_URL_LENGTH)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # a malformed port raises here
    except ValueError:
        raise InvalidInput("webhook_url_malformed", field="url") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidInput("webhook_url_scheme", field="url", allowed=["https", "http"])
    if not parts.hostname:
        raise InvalidInput("webhook_url_malformed", field="url")
    if parts.username is not None or parts.password is not None:
        # Credentials in a URL end up in logs and listings; the signature authenticates us instead.
        raise InvalidInput("webhook_url_credentials", field="url")
    return parts


def refused_address(address: IPAddress, *, allow_private: bool) -> bool:
    """True for an address a webhook must not reach (anything not globally routable, unless allowed)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_multicast or address.is_unspecified:
        return True  # never a single receiving host, whatever the setting
    return not allow_private and not address.is_global


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the host resolves to (an IP literal resolves to itself without a lookup)."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


async def guard_url(url: str, *, allow_private: bool) -> SplitResult:
    """Refuse (422 naming `url`) a URL that is malformed, unresolvable or reaching a refused address."""
    parts = parse_url(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = await resolve(parts.hostname or "", port)
    if not addresses:
        raise InvalidInput("webhook_url_unresolvable", field="url")
    if any(refused_address(a, allow_private=allow_private) for a in addresses):
        raise InvalidInput("webhook_url_private", field="url")
    return parts
