"""Every read notify's API makes beyond a single load: delivery listings (keyset pages) and a delivery's history."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from servicekit.api import Listing, read_page
from servicekit.eventstore import EventStore

from .domain.delivery import DELIVERY, DeliveryStatus

# A victim's history, oldest first; the attention list, longest-waiting first (indexes.py serves both).
BY_SCHEDULE = Listing("scheduled_at")
BY_UPDATE = Listing("updated_at")
# Only these outcomes wait for a person; any other asked status lists the unknown ones.
ATTENTION_STATUSES = ("unknown", "failed")
# One page of stored documents and the cursor of the next one (None on the last).
DocumentPage = tuple[list[dict[str, Any]], str | None]


async def victim_deliveries(db: AsyncDatabase[Any], victim_id: str, *, cursor: str | None, limit: int) -> DocumentPage:
    """One page of the deliveries to one victim, oldest first."""
    return await read_page(db[DELIVERY.collection], {"victim_id": victim_id}, listing=BY_SCHEDULE, cursor=cursor,
                           limit=limit)


async def deliveries_needing_attention(db: AsyncDatabase[Any], *, status: DeliveryStatus, flagged: bool,
                                       cursor: str | None, limit: int) -> DocumentPage:
    """One page of the unknown (or failed) deliveries nobody sent again yet, longest-waiting first."""
    criteria: dict[str, Any] = {"status": status if status in ATTENTION_STATUSES else "unknown", "resent_as": None}
    if flagged:
        criteria["flags"] = {"$exists": True, "$ne": []}
    return await read_page(db[DELIVERY.collection], criteria, listing=BY_UPDATE, cursor=cursor, limit=limit)


async def delivery(db: AsyncDatabase[Any], delivery_id: str) -> dict[str, Any] | None:
    """One delivery's projection document."""
    return await db[DELIVERY.collection].find_one({"_id": delivery_id})


async def delivery_steps(store: EventStore, delivery_id: str) -> list[dict[str, Any]]:
    """The delivery's events in order: type, status and commit time (no payload beyond codes)."""
    return [{"type": event["type"], "status": event["data"].get("status"), "reason": event["data"].get("reason"),
             "at": commit["committed_at"]}
            for commit in await store.history(delivery_id) for event in commit["events"]]
