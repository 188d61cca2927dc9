"""The incident facts education keeps beside its event store, fed only by intake's incident events.

Per incident event: the region, the date and the verification status, nothing about victims,
perpetrators or places below the region. Each event is stored under its own id, so a redelivery hits
the duplicate `_id` and is a no-op; `domain.density` folds an incident's facts in source order.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

INCIDENT_FACTS = "incident_facts"


class IncidentFacts:
    """The facts of intake's incident events, one document per event."""

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
