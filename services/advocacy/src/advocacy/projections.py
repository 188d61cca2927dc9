"""Advocacy's read models, built only from consumed events (never from another service's store).

Each fact document is keyed by the source aggregate id and replaced whole, so applying an event
twice leaves the same document: the projection is idempotent by construction. No victim identity
is kept: only the fields that indicators count.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase


class Projections:
    """Access to advocacy's projection collections (all queries live here)."""

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self.incidents = db["incident_facts"]

    async def put_incident(self, incident_id: str, facts: dict[str, Any]) -> None:
        """Insert or replace the facts of one incident."""
        await self.incidents.replace_one({"_id": incident_id}, {"_id": incident_id, **facts}, upsert=True)

    async def incidents_by_region(self) -> dict[str, int]:
        """Documented incidents per region code."""
        counts: Counter[str] = Counter()
        async for doc in self.incidents.find({}, {"region": 1}):
            counts[doc["region"]] += 1
        return dict(sorted(counts.items()))
