"""Reading delivery history for staff (admin path: a scan by victim id is acceptable here)."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from servicekit.eventstore import EventStore

from ..domain.delivery import DELIVERY

MAX_HISTORY = 500


class DeliveryHistory:
    """Deliveries of a victim (projection documents) and one delivery's commits."""

    def __init__(self, db: AsyncDatabase[Any], store: EventStore) -> None:
        self.deliveries = db[DELIVERY.collection]
        self.store = store

    async def of_victim(self, victim_id: str) -> list[dict[str, Any]]:
        """Every delivery to one victim, oldest first."""
        cursor = self.deliveries.find({"victim_id": victim_id}).sort("scheduled_at", 1).limit(MAX_HISTORY)
        return [doc async for doc in cursor]

    async def one(self, delivery_id: str) -> dict[str, Any] | None:
        """One delivery's projection document."""
        return await self.deliveries.find_one({"_id": delivery_id})

    async def events_of(self, delivery_id: str) -> list[dict[str, Any]]:
        """The delivery's events in order: type, status and commit time (no payload beyond codes)."""
        events = []
        for commit in await self.store.history(delivery_id):
            for event in commit["events"]:
                events.append({"type": event["type"], "status": event["data"].get("status"),
                               "reason": event["data"].get("reason"), "at": commit["committed_at"]})
        return events
