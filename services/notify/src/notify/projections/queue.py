"""The dispatch queue: one small document per delivery that is not finished yet.

An entry is written before the delivery's first commit (like an outbox entry), so a crash between
the two leaves an entry whose delivery does not exist, which the dispatcher drops after a grace
period, and never a pending delivery nobody looks at. Finished deliveries leave the queue, so the
dispatcher's scan stays small however long the history grows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Container
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from ..domain.delivery import Delivery, DeliveryScheduled


class DueNow:
    """Entries of deliveries this process has just committed, due at once: handed to its dispatcher without a poll.

    Only a process whose dispatcher listens keeps them (an API process has none), and at most `limit`: an entry
    not handed over is still in the store, where the next poll finds it.
    """

    def __init__(self, limit: int = 1000) -> None:
        self.limit = limit
        self.listening = False
        self.arrived = asyncio.Event()
        self._entries: dict[str, dict[str, Any]] = {}

    def offer(self, entry: dict[str, Any]) -> None:
        """A committed delivery due now: wake the dispatcher."""
        if self.listening and len(self._entries) < self.limit:
            self._entries[entry["_id"]] = entry
            self.arrived.set()

    def take(self, busy: Container[str], limit: int) -> list[dict[str, Any]]:
        """At most `limit` entries not in `busy` (the others stay for a later take)."""
        taken = [entry for key, entry in self._entries.items() if key not in busy][:limit]
        for entry in taken:
            del self._entries[entry["_id"]]
        return taken


class DeliveryQueue:
    """The `delivery_queue` collection (`_id` = delivery id)."""

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self.entries = db["delivery_queue"]
        self.due_now = DueNow()

    async def enqueue(self, delivery_id: str, scheduled: DeliveryScheduled, *, now: datetime) -> dict[str, Any]:
        """Add a delivery (a second call for the same delivery changes nothing); the entry."""
        doc = {"_id": delivery_id, "due_at": scheduled.due_at, "victim_id": scheduled.victim_id,
               "hearing_id": scheduled.hearing_id, "enqueued_at": now}
        try:
            await self.entries.insert_one(doc)
        except DuplicateKeyError:
            pass
        return doc

    def hand_over(self, entry: dict[str, Any]) -> None:
        """A delivery just committed and due now: to this process's dispatcher at once, if it listens."""
        self.due_now.offer(entry)

    async def due(self, now: datetime, limit: int) -> list[dict[str, Any]]:
        """Entries due now, earliest first."""
        cursor = self.entries.find({"due_at": {"$lte": now}}).sort("due_at", 1).limit(limit)
        return [doc async for doc in cursor]

    async def postpone(self, delivery_id: str, until: datetime) -> None:
        """Look at a delivery again at `until`."""
        await self.entries.update_one({"_id": delivery_id}, {"$set": {"due_at": until}})

    async def restore(self, delivery: Delivery) -> None:
        """Put a committed, unfinished delivery back in the queue (a no-op for one that is there)."""
        doc = {"_id": delivery.id, "due_at": delivery.due_at, "victim_id": delivery.victim_id,
               "hearing_id": delivery.hearing_id, "enqueued_at": delivery.scheduled_at}
        try:
            await self.entries.insert_one(doc)
        except DuplicateKeyError:
            pass

    async def remove(self, delivery_id: str) -> None:
        """The delivery is finished (or never existed)."""
        await self.entries.delete_one({"_id": delivery_id})

    async def ids_for_victim(self, victim_id: str) -> list[str]:
        """Unfinished deliveries to one victim."""
        return [doc["_id"] async for doc in self.entries.find({"victim_id": victim_id}, {"_id": 1})]

    async def ids_for_hearing(self, hearing_id: str) -> list[str]:
        """Unfinished deliveries about one hearing."""
        return [doc["_id"] async for doc in self.entries.find({"hearing_id": hearing_id}, {"_id": 1})]
