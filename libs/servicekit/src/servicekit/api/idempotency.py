"""One Idempotency-Key policy for every command endpoint of every service.

A client's key is scoped to its organisation and to the command it names, and fingerprinted with the
request body. The event store records the command key (`<request>~<fingerprint>`) with the commit, so:
- the same key and body again is a redelivery: nothing new is stored and the route answers as the
  first time;
- the same key with another body is refused with 409 `idempotency_key_reused` (the store sees the
  request part recorded under another fingerprint), rather than silently applied or ignored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ..ids import KEY_SEPARATOR, derived_id
from .callers import Caller


def fingerprint(body: Any) -> str:
    """A stable digest of a request body (keys sorted, so field order does not matter)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class RequestKey:
    """A client's Idempotency-Key, scoped to its caller, with the fingerprint of the request body."""

    scope: str
    key: str
    fingerprint: str

    @classmethod
    def of(cls, caller: Caller, key: str | None, body: Any) -> RequestKey | None:
        """The request's key, or None when the client sent none (the command then runs every time)."""
        return None if key is None else cls(scope=caller.scope, key=key, fingerprint=fingerprint(body))

    def aggregate_id(self, kind: str) -> str:
        """The id a create command gives its new record: the same for every retry of the request."""
        return derived_id(self.scope, kind, self.key)

    def command_key(self, kind: str) -> str:
        """The key the event store records with the command (`kind` names the command and its target)."""
        return f"{derived_id(self.scope, kind, self.key)}{KEY_SEPARATOR}{self.fingerprint}"


def command_key(key: RequestKey | None, kind: str) -> str | None:
    """The store's key of a command run for `key` (None when the client sent no key)."""
    return key.command_key(kind) if key is not None else None
