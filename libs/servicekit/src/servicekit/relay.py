"""Outbox relay: publishes committed events in per-aggregate version order, then forgets them.

An outbox entry is published only once its commit exists in `events` and contains it. An entry
whose commit is missing past a grace period belongs to a writer that died (or lost its race): the
relay claims the verdict "aborted" by inserting it under the event id (atomic duplicate-key guard)
and deletes the entry. A slow writer that finds that verdict re-queues its entry (eventstore.py),
so a committed event is never lost and an aborted one never published.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import InvalidProducerEpoch, OutOfOrderSequenceNumber
from opentelemetry import trace
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from .errors import is_transient
from .ids import new_id
from .telemetry import context_from_traceparent, tracer

log = logging.getLogger("servicekit.relay")
# Capped low so the outbox drains within seconds of the broker's or the store's return.
MAX_BACKOFF_SECONDS = 2.0
# After a broker restart an idempotent producer can lose its sequence for good (aiokafka does not reset
# it): only a new producer publishes again. Re-sending what the old one may have delivered is harmless,
# consumers are idempotent by event id.
PRODUCER_LOST = (OutOfOrderSequenceNumber, InvalidProducerEpoch)
ProducerRenewal = Callable[[AIOKafkaProducer], Awaitable[AIOKafkaProducer]]


class RelayLease:
    """At most one publishing relay per service: time slots claimed by duplicate-key insert."""

    def __init__(self, db: AsyncDatabase[Any], *, seconds: float = 10.0, owner: str | None = None) -> None:
        self.collection = db["relay_lease"]
        self.seconds = seconds
        self.owner = owner or new_id()
        self._held: set[int] = set()

    async def holds(self) -> bool:
        """True when this instance owns the current slot and will own it for the next second."""
        now = time.time()
        slot = int(now // self.seconds)
        if not await self._owns(slot):
            return False
        if (slot + 1) * self.seconds - now < 1.0:
            # Close to the slot boundary: keep publishing only if the next slot is ours too,
            # so two relays never publish in the same moment.
            return await self._owns(slot + 1)
        return True

    async def _owns(self, slot: int) -> bool:
        if slot in self._held:
            return True
        try:
            await self.collection.insert_one({"_id": f"slot:{slot}", "owner": self.owner})
        except DuplicateKeyError:
            doc = await self.collection.find_one({"_id": f"slot:{slot}"})
            if not doc or doc.get("owner") != self.owner:
                return False
        self._held = {s for s in self._held if s >= slot - 1} | {slot}
        await self.collection.delete_many({"_id": {"$in": [f"slot:{slot - 3}", f"slot:{slot - 4}"]}})
        return True


class OutboxRelay:
    """Polls the outbox and publishes with an idempotent producer, awaiting each delivery report."""

    def __init__(self, db: AsyncDatabase[Any], producer: AIOKafkaProducer, *, abort_grace_seconds: float = 60.0,
                 batch_size: int = 500, poll_interval_seconds: float = 0.05, lease: RelayLease | None = None,
                 renew_producer: ProducerRenewal | None = None) -> None:
        self.db = db
        self.outbox = db["outbox"]
        self.events = db["events"]
        self.verdicts = db["outbox_verdicts"]
        self.producer = producer
        self.abort_grace_seconds = abort_grace_seconds
        self.batch_size = batch_size
        self.poll_interval_seconds = poll_interval_seconds
        self.lease = lease
        self.renew_producer = renew_producer

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until `stop` is set; transient failures back off and retry, nothing is skipped."""
        backoff = self.poll_interval_seconds
        while not stop.is_set():
            try:
                published = await self.publish_pending() if await self._may_publish() else 0
                backoff = self.poll_interval_seconds
            except Exception as exc:
                if isinstance(exc, PRODUCER_LOST) and self.renew_producer is not None:
                    log.warning("relay producer lost its sequence (%s); starting a new one", type(exc).__name__)
                    self.producer = await self.renew_producer(self.producer)
                elif not is_transient(exc):
                    log.exception("relay pass failed")
                else:
                    log.warning("relay waiting for the store or broker: %s", type(exc).__name__)
                published = 0
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
            if published == 0:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=backoff)
                except TimeoutError:
                    pass

    async def _may_publish(self) -> bool:
        return self.lease is None or await self.lease.holds()

    async def publish_pending(self) -> int:
        """One pass over the outbox; returns how many events were published."""
        # Oldest first: a later version of an aggregate is always queued after the earlier one.
        entries = await self.outbox.find({}).sort("created_at", 1).limit(self.batch_size).to_list()
        if not entries:
            return 0
        by_aggregate: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for entry in entries:
            by_aggregate[entry["aggregate_id"]].append(entry)
        ready: list[dict[str, Any]] = []
        for group in by_aggregate.values():
            group.sort(key=lambda e: (e["version"], e["seq"]))
            ready += await self._committed_prefix(group)
        if not ready:
            return 0
        futures = [await self._send(entry) for entry in ready]
        outcomes = await asyncio.gather(*futures, return_exceptions=True)
        # Forget only what the broker acknowledged: re-sending an acknowledged event would double it.
        delivered = [e for e, outcome in zip(ready, outcomes, strict=True) if not isinstance(outcome, BaseException)]
        if delivered:
            await self.outbox.delete_many({"_id": {"$in": [e["_id"] for e in delivered]}})
        failures = [o for o in outcomes if isinstance(o, BaseException)]
        if failures:
            raise failures[0]
        # Only a slow writer (past half the grace period) leaves a "committed" verdict: tidy those.
        slow = [e["event_id"] for e in delivered if time.time() - e["created_at"] > self.abort_grace_seconds / 2 - 1]
        if slow:
            await self.verdicts.delete_many({"_id": {"$in": slow}, "verdict": "committed"})
        return len(delivered)

    async def _send(self, entry: dict[str, Any]) -> asyncio.Future[Any]:
        """Hand one entry to the producer inside a span that continues the command's trace."""
        headers = entry["headers"]
        with tracer().start_as_current_span(
                f"publish {headers.get('ce_type', '')}", context=context_from_traceparent(headers.get("traceparent")),
                kind=trace.SpanKind.PRODUCER,
                attributes={"messaging.system": "kafka", "messaging.destination.name": entry["topic"],
                            "messaging.message.id": entry["event_id"]}):
            future: asyncio.Future[Any] = await self.producer.send(
                entry["topic"], value=entry["value"].encode(), key=entry["aggregate_id"].encode(),
                headers=[(k, v.encode()) for k, v in headers.items()])
        return future

    async def _committed_prefix(self, group: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The entries of one aggregate that can go now, in order; stops at an undecided one."""
        ready: list[dict[str, Any]] = []
        commits: dict[str, dict[str, Any] | None] = {}
        for entry in group:
            if entry["commit_id"] not in commits:
                commits[entry["commit_id"]] = await self.events.find_one({"_id": entry["commit_id"]}, {"events.id": 1})
            commit = commits[entry["commit_id"]]
            if commit is not None and entry["event_id"] in {e["id"] for e in commit["events"]}:
                ready.append(entry)
            elif commit is not None:
                await self.outbox.delete_one({"_id": entry["_id"]})  # the version went to another writer
            elif time.time() - entry["created_at"] < self.abort_grace_seconds:
                break  # a writer may still be between outbox insert and commit: keep order, wait
            elif not await self._abort(entry):
                break
        return ready

    async def _abort(self, entry: dict[str, Any]) -> bool:
        """Claim 'aborted' for an entry whose writer vanished; False if the writer claimed it first."""
        try:
            await self.verdicts.insert_one({"_id": entry["event_id"], "verdict": "aborted", "at": time.time()})
        except DuplicateKeyError:
            return False  # the writer committed after all; its commit will be seen on the next pass
        await self.outbox.delete_one({"_id": entry["_id"]})
        log.warning("outbox entry aborted", extra={"event_id": entry["event_id"]})
        return True
