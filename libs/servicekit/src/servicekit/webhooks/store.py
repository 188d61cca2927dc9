"""Subscriptions, the delivery log and the delivery queue of one service, in its own database.

- `webhook_subscriptions`: one document per subscription; the secret is stored only encrypted under the
  service's webhook key-encryption key (AES-256-GCM, AAD = subscription id), never returned after creation.
- `webhook_deliveries`: one record per (subscription, event), `_id` derived from both, so a redelivered
  Kafka record or a re-published event never makes a second delivery. It keeps the CloudEvent for replay.
- `webhook_queue`: the deliveries still to make (same `_id`), small like the outbox; removed once a
  receiver acknowledged. Order per aggregate comes from the record's partition and offset.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from ..crypto import KeyEncryptionKey, decrypt_field, encrypt_field
from ..ids import derived_id, new_id

SECRET_FIELD = "webhook_secret"
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Now, in UTC, to the millisecond (what BSON keeps)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def delivery_id(subscription_id: str, event_id: str) -> str:
    """The one delivery of one event to one subscription."""
    return derived_id("webhook", subscription_id, event_id)


class WebhookStore:
    """Reads and writes of subscriptions and deliveries; no HTTP here."""

    def __init__(self, db: AsyncDatabase[Any], kek: KeyEncryptionKey, *, clock: Clock = utc_now) -> None:
        self.subscriptions = db["webhook_subscriptions"]
        self.deliveries = db["webhook_deliveries"]
        self.queue = db["webhook_queue"]
        self.kek = kek
        self.clock = clock
        self.queued = asyncio.Event()  # set when this process queues a delivery: its sender need not wait a poll

    async def create(self, *, url: str, event_types: list[str], classifications: list[str], secret: str,
                     actor: str) -> dict[str, Any]:
        """Store a new active subscription with its secret encrypted."""
        sub_id = new_id()
        doc = {"_id": sub_id, "url": url, "event_types": sorted(set(event_types)),
               "classifications": sorted(set(classifications)), "status": "active", "disabled_reason": None,
               "last_error": None, "consecutive_failures": 0, "created_at": self.clock(), "created_by": actor,
               "last_success_at": None, "last_failure_at": None,
               "secret": {"kek_id": self.kek.key_id,
                          "ciphertext": encrypt_field(self.kek.key, secret, subject_id=sub_id, field=SECRET_FIELD)}}
        await self.subscriptions.insert_one(doc)
        return doc

    def secret_of(self, doc: Mapping[str, Any]) -> str:
        """The subscription's signing secret, decrypted for one signature."""
        return decrypt_field(self.kek.key, doc["secret"]["ciphertext"], subject_id=doc["_id"], field=SECRET_FIELD)

    async def all(self) -> list[dict[str, Any]]:
        """Every subscription, oldest first (a handful per service)."""
        return sorted(await self.subscriptions.find({}).to_list(None), key=lambda d: d["created_at"])

    async def routing(self) -> list[dict[str, Any]]:
        """What dispatch matches events against, for every subscription: types, clearances, creation time."""
        fields = {"event_types": 1, "classifications": 1, "created_at": 1}
        return await self.subscriptions.find({}, fields).to_list(None)

    async def drop_queued(self, sub_ids: list[str]) -> None:
        """Unqueue what was recorded for subscriptions deleted meanwhile (by a process that did not know yet)."""
        await self.queue.delete_many({"subscription_id": {"$in": sub_ids}})

    async def get(self, sub_id: str) -> dict[str, Any] | None:
        return await self.subscriptions.find_one({"_id": sub_id})

    async def set_status(self, sub_id: str, status: str) -> None:
        """Pause, or resume: resuming retries the held deliveries from now, with a fresh retry window."""
        await self.subscriptions.update_one({"_id": sub_id}, {"$set": {
            "status": status, **({"disabled_reason": None, "consecutive_failures": 0} if status == "active" else {})}})
        if status == "active":
            await self.queue.update_many({"subscription_id": sub_id},
                                         {"$set": {"due_at": self.clock(), "first_failed_at": None}})

    async def disable(self, sub_id: str, reason: str) -> None:
        """Stop delivering after repeated failure; the held deliveries stay queued for a resume."""
        await self.subscriptions.update_one({"_id": sub_id}, {"$set": {"status": "disabled",
                                                                      "disabled_reason": reason}})

    async def delete(self, sub_id: str) -> None:
        """Forget the subscription and what it still had to deliver (the log stays for the audit)."""
        await self.queue.delete_many({"subscription_id": sub_id})
        await self.subscriptions.delete_one({"_id": sub_id})

    async def record(self, sub_id: str, *, event_id: str, event_time: datetime, stream: str, order: int,
                     body: str) -> bool:
        """Record one delivery to make; False when it was already recorded (a redelivered record)."""
        did = delivery_id(sub_id, event_id)
        entry = {"_id": did, "subscription_id": sub_id, "event_id": event_id, "event_time": event_time,
                 "stream": stream, "order": order, "body": body}
        try:
            await self.deliveries.insert_one({**entry, "status": "pending", "recorded_at": self.clock()})
        except DuplicateKeyError:
            existing = await self.deliveries.find_one({"_id": did}, {"status": 1})
            if existing and existing.get("status") == "delivered":
                return False
        # Recorded but not yet queued (a crash between the two inserts): queue it now.
        return await self._enqueue(entry)

    async def _enqueue(self, entry: Mapping[str, Any]) -> bool:
        try:
            await self.queue.insert_one({**entry, "attempts": 0, "due_at": self.clock(), "first_failed_at": None})
        except DuplicateKeyError:
            return False
        self.queued.set()
        return True

    async def pending(self, limit: int) -> list[dict[str, Any]]:
        """Queued deliveries (without their bodies), at most `limit`."""
        return await self.queue.find({}, {"body": 0}).limit(limit).to_list(None)

    async def body(self, did: str) -> str | None:
        doc = await self.queue.find_one({"_id": did}, {"body": 1})
        return doc["body"] if doc else None

    async def delivered(self, entry: Mapping[str, Any], *, attempts: int) -> None:
        """A receiver acknowledged: log it, unqueue it, and clear the subscription's failure count."""
        now = self.clock()
        await self.deliveries.update_one({"_id": entry["_id"]}, {"$set": {
            "status": "delivered", "delivered_at": now, "attempts": attempts}})
        await self.queue.delete_one({"_id": entry["_id"]})
        await self.subscriptions.update_one({"_id": entry["subscription_id"]}, {"$set": {
            "last_success_at": now, "consecutive_failures": 0}})

    async def failed(self, entry: Mapping[str, Any], *, attempts: int, due_at: datetime, first_failed_at: datetime,
                     error: str) -> None:
        """An attempt failed: try again at `due_at`; the subscription shows the error."""
        await self.queue.update_one({"_id": entry["_id"]}, {"$set": {
            "attempts": attempts, "due_at": due_at, "first_failed_at": first_failed_at, "last_error": error}})
        await self.subscriptions.update_one({"_id": entry["subscription_id"]}, {
            "$set": {"last_error": error, "last_failure_at": self.clock()}, "$inc": {"consecutive_failures": 1}})

    async def replay(self, sub_id: str, since: datetime) -> int:
        """Queue again every logged delivery of the subscription whose event is at or after `since`."""
        requeued = 0
        async for doc in self.deliveries.find({"subscription_id": sub_id, "event_time": {"$gte": since}}):
            entry = {k: doc[k] for k in ("_id", "subscription_id", "event_id", "event_time", "stream", "order",
                                         "body")}
            if await self._enqueue(entry):
                await self.deliveries.update_one({"_id": doc["_id"]}, {"$set": {"status": "pending"}})
                requeued += 1
        return requeued
