"""Documented-incident density per region, built only from intake's incident events.

Education keeps, per incident event, the region, the date and the verification status: nothing about
victims, perpetrators or places below the region. Each event is stored under its own id (a
redelivery hits the duplicate `_id` and is a no-op) and a subject's records are folded in source
order on read, so the counts do not depend on duplicates or on delivery order.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

# An incident that verification rejected is no longer a documented incident.
REJECTED = "rejected"


class IncidentDensity:
    """Incident facts (region, date) and their counts per region."""

    def __init__(self, collection: AsyncCollection[Any]) -> None:
        self.collection = collection

    async def record(self, *, event_id: str, incident_id: str, at: str, offset: int, region: str | None = None,
                     occurred_on: date | None = None, status: str | None = None) -> bool:
        """Store one incident event's facts once; False when it was already stored."""
        doc = {"_id": event_id, "subject": incident_id, "at": at, "offset": offset, "region": region,
               "occurred_on": occurred_on.isoformat() if occurred_on else None, "status": status}
        try:
            await self.collection.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def by_region(self, start: date | None = None, end: date | None = None) -> dict[str, int]:
        """Documented incidents per region whose date falls in the period."""
        by_incident: dict[str, list[dict[str, Any]]] = {}
        async for doc in self.collection.find({}):
            by_incident.setdefault(doc["subject"], []).append(doc)
        counts: Counter[str] = Counter()
        for records in by_incident.values():
            region, occurred_on, status = _fold(records)
            if region and occurred_on and status != REJECTED and (start is None or occurred_on >= start) \
                    and (end is None or occurred_on <= end):
                counts[region] += 1
        return dict(sorted(counts.items()))


def _fold(records: list[dict[str, Any]]) -> tuple[str | None, date | None, str | None]:
    """The latest known region, date and verification status of one incident (later events override)."""
    region, occurred_on, status = None, None, None
    for record in sorted(records, key=lambda r: (r["at"], r["offset"], r["_id"])):
        region = record["region"] or region
        occurred_on = date.fromisoformat(record["occurred_on"]) if record["occurred_on"] else occurred_on
        status = record.get("status") or status
    return region, occurred_on, status
