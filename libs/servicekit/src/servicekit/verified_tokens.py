"""Bearer tokens already verified, remembered by their exact text (signature included), a bounded number.

A client sends the same token for minutes; its signature and claims are checked once (auth.py) and the
token is then looked up here. Whether a remembered token still holds (expiry, its key) is auth.py's call.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import jwt

from .issuers import IssuerKeys

if TYPE_CHECKING:
    from .auth import Principal


@dataclass(frozen=True)
class Verified:
    """A token whose signature and claims were checked, and what makes that still hold."""

    principal: Principal
    source: IssuerKeys
    key: jwt.PyJWK
    kid: str
    expires_at: float


class VerifiedTokens:
    """At most `size` verified tokens, the least recently used forgotten first."""

    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._tokens: OrderedDict[str, Verified] = OrderedDict()

    def get(self, token: str) -> Verified | None:
        """What was verified of this very token, if it is remembered."""
        verified = self._tokens.get(token)
        if verified is not None:
            self._tokens.move_to_end(token)
        return verified

    def put(self, token: str, verified: Verified) -> None:
        """Remember a token that passed every check."""
        self._tokens[token] = verified
        if len(self._tokens) > self._size:
            self._tokens.popitem(last=False)

    def forget(self, token: str) -> None:
        """Drop a token that no longer holds; it will be verified again from the start."""
        self._tokens.pop(token, None)
