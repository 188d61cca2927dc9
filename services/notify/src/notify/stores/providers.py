"""Provider records: which delivery a provider's message id belongs to, and each provider's health."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError


class ProviderRecords:
    """`provider_messages` (`_id` = "<provider>:<message id>") and `provider_health` (`_id` = provider)."""

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self.messages = db["provider_messages"]
        self.health = db["provider_health"]

    async def link(self, provider: str, message_id: str, delivery_id: str) -> None:
        """Remember which delivery a provider message is, for its delivery reports."""
        try:
            await self.messages.insert_one({"_id": f"{provider}:{message_id}", "delivery_id": delivery_id})
        except DuplicateKeyError:
            pass

    async def delivery_for(self, provider: str, message_id: str) -> str | None:
        """The delivery a provider message belongs to, if it is ours."""
        doc = await self.messages.find_one({"_id": f"{provider}:{message_id}"})
        return doc["delivery_id"] if doc else None

    async def record_attempt(self, provider: str, *, ok: bool, error: str | None, at: datetime) -> None:
        """Count one call to a provider and remember its last outcome (codes only)."""
        if ok:
            update = {"$set": {"last_success_at": at, "consecutive_failures": 0}, "$inc": {"successes": 1}}
        else:
            update = {"$set": {"last_failure_at": at, "last_error": error}, "$inc": {"failures": 1,
                                                                                   "consecutive_failures": 1}}
        await self.health.update_one({"_id": provider}, update, upsert=True)

    async def health_of(self, provider: str) -> dict[str, Any]:
        """Recorded counters and last outcomes of one provider (empty when never used)."""
        doc = await self.health.find_one({"_id": provider}) or {}
        return {k: v for k, v in doc.items() if k != "_id"}
