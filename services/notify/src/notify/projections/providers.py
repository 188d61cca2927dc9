"""Provider records: which delivery a provider's message id belongs to, and each provider's health."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError


class ProviderRecords:
    """`provider_messages` (`_id` = "<provider>:<message id>"), `provider_health` (`_id` = provider) and
    `provider_reports_unmatched`: reports for message ids we never linked (the send was interrupted)."""

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self.messages = db["provider_messages"]
        self.health = db["provider_health"]
        self.unmatched = db["provider_reports_unmatched"]

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

    async def keep_unmatched(self, provider: str, message_id: str, *, phone_key: str, status: str,
                             error_code: str | None, at: datetime) -> None:
        """Keep a report we could not place, keyed by the number's keyed hash, for the reconciler."""
        doc = {"_id": f"{provider}:{message_id}", "provider": provider, "message_id": message_id,
               "phone_key": phone_key, "status": status, "error_code": error_code, "received_at": at}
        await self.unmatched.replace_one({"_id": doc["_id"]}, doc, upsert=True)

    async def unmatched_for(self, phone_keys: list[str], since: datetime) -> list[dict[str, Any]]:
        """Unplaced reports for these numbers received since a moment."""
        if not phone_keys:
            return []
        cursor = self.unmatched.find({"phone_key": {"$in": phone_keys}, "received_at": {"$gte": since}})
        return [doc async for doc in cursor]

    async def placed(self, report_id: str) -> None:
        """A kept report was matched to its delivery."""
        await self.unmatched.delete_one({"_id": report_id})

    async def forget_unmatched_before(self, moment: datetime) -> None:
        """Reports nobody claimed are kept for a few days only."""
        await self.unmatched.delete_many({"received_at": {"$lt": moment}})


UNMATCHED_KEPT = timedelta(days=3)
