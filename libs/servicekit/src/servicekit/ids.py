"""Identifiers: random ones for new things, derived ones for idempotent effects."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable

from .errors import Conflict

# Fixed namespace so every instance of every service derives the same id from the same cause.
REDRESS_NAMESPACE = uuid.UUID("6f1c2b8e-53a4-4f0c-9a53-7d8e2f1b9c40")


def new_id() -> str:
    """A random UUID4 string; used for aggregates created by people."""
    return str(uuid.uuid4())


def derived_id(*parts: str) -> str:
    """A UUID5 derived from its causes, e.g. (consumed event id, handler name)."""
    return str(uuid.uuid5(REDRESS_NAMESPACE, "|".join(parts)))


# A client's command key is `<request>~<fingerprint of the body>` (servicekit.api.idempotency); the
# separator never occurs in a derived id, and keys without it (consumers' effects) carry no fingerprint.
KEY_SEPARATOR = "~"


def request_part(command_key: str) -> str | None:
    """The request a command key belongs to, or None for a key that carries no fingerprint."""
    request, separator, _ = command_key.rpartition(KEY_SEPARATOR)
    return request if separator else None


def reused_with_other_body(command_key: str, recorded: Iterable[str]) -> bool:
    """True when the request of `command_key` is already recorded with another body's fingerprint."""
    request = request_part(command_key)
    return request is not None and any(k != command_key and request_part(k) == request for k in recorded)


def replayed(command_key: str | None, recorded: Collection[str]) -> bool:
    """True when the command of `command_key` is recorded already (answer as the first time).

    The one Idempotency-Key check: a key recorded with another body's fingerprint is 409
    `idempotency_key_reused` rather than a replay; no key is never a replay.
    """
    if command_key is None:
        return False
    if command_key in recorded:
        return True
    if reused_with_other_body(command_key, recorded):
        raise Conflict("idempotency_key_reused", field="Idempotency-Key")
    return False
