"""Identifiers: random ones for new things, derived ones for idempotent effects."""

from __future__ import annotations

import uuid

# Fixed namespace so every instance of every service derives the same id from the same cause.
REDRESS_NAMESPACE = uuid.UUID("6f1c2b8e-53a4-4f0c-9a53-7d8e2f1b9c40")


def new_id() -> str:
    """A random UUID4 string; used for aggregates created by people."""
    return str(uuid.uuid4())


def derived_id(*parts: str) -> str:
    """A UUID5 derived from its causes, e.g. (consumed event id, handler name)."""
    return str(uuid.uuid5(REDRESS_NAMESPACE, "|".join(parts)))
