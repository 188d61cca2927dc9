"""Reads of education's own projections (all queries live here)."""

from __future__ import annotations

from datetime import date
from typing import Any

from .bootstrap import Deps
from .domain.session import SESSION, Session


async def sessions_in(deps: Deps, start: date | None, end: date | None, *, organisation: str | None = None,
                      region: str | None = None, limit: int = 0) -> list[Session]:
    """Sessions held in a period (dates are stored as ISO strings, so they compare in order)."""
    held_on: dict[str, str] = {}
    if start:
        held_on["$gte"] = start.isoformat()
    if end:
        held_on["$lte"] = end.isoformat()
    criteria: dict[str, Any] = {"held_on": held_on} if held_on else {}
    if organisation:
        criteria["organisation"] = organisation
    if region:
        criteria["region"] = region
    docs = deps.core.db[SESSION.collection].find(criteria, limit=limit)
    return [Session.model_validate({**doc, "id": doc["_id"]}) async for doc in docs]
