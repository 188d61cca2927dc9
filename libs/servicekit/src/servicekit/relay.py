"""Relay: publishes pending commits in per-aggregate version order, then unmarks them.

A commit is inserted with `outbox: "pending"` (commits.py): it is its own outbox entry, so there is
nothing to check against and nothing to abort. A pass reads a batch of pending commits (one query on
an index, oldest first), publishes their events with an idempotent producer, awaits the delivery
reports, and unmarks the delivered commits (one update by `_id`). When idle the relay backs off to a
slow poll (commits of other processes); a commit of its own process wakes it at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import InvalidProducerEpoch, OutOfOrderSequenceNumber
from opentelemetry import trace
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from .commits import OUTBOX_FIELD, PENDING, envelopes
from .envelope import Envelope
from .errors import is_transient
from .ids import new_id
from .metrics import observe_published
from .signals import CommitSignal
from .telemetry import context_from_traceparent, tracer

log = logging.getLogger("servicekit.relay")
# Capped low so pending commits drain within seconds of the broker's or the store's return.
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
    """Publishes pending commits with an idempotent producer, awaiting each delivery report."""

    def __init__(self, db: AsyncDatabase[Any], producer: AIOKafkaProducer, *, abort_grace_seconds: float = 60.0,
                 batch_size: int = 500, poll_interval_seconds: float = 0.05, idle_poll_seconds: float = 0.5,
                 lease: RelayLease | None = None, renew_producer: ProducerRenewal | None = None,
                 wake: CommitSignal | None = None) -> None:
        self.db = db
        self.events = db["events"]
        self.producer = producer
        self.abort_grace_seconds = abort_grace_seconds  # for entries of the former outbox only
        self.batch_size = batch_size
        self.poll_interval_seconds = poll_interval_seconds
        self.idle_poll_seconds = max(idle_poll_seconds, poll_interval_seconds)
        self.lease = lease
        self.renew_producer = renew_producer
        self.wake = wake
        self._former_outbox_empty = False

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until `stop` is set; transient failures back off and retry, nothing is skipped."""
        woken = self.wake.subscribe() if self.wake is not None else asyncio.Event()
        stopper = asyncio.create_task(_relay_stop(stop, woken))
        idle = self.poll_interval_seconds
        try:
            while not stop.is_set():
                woken.clear()
                published, idle = await self._pass(idle)
                # Only a full batch can have left pending commits behind: after a smaller one, a commit of
                # this process wakes the relay and others are found by the poll, so an immediate pass
                # would read nothing (a store round trip per commit when commands come one at a time).
                if published < self.batch_size:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(woken.wait(), timeout=idle)
                    if woken.is_set():
                        idle = self.poll_interval_seconds
        finally:
            stopper.cancel()
            if self.wake is not None:
                self.wake.unsubscribe(woken)

    async def _pass(self, idle: float) -> tuple[int, float]:
        """One pass and the wait before the next: short after work, doubling while idle or failing."""
        try:
            published = await self._publish() if await self._may_publish() else 0
            return published, self.poll_interval_seconds if published else min(idle * 2, self.idle_poll_seconds)
        except Exception as exc:
            if isinstance(exc, PRODUCER_LOST) and self.renew_producer is not None:
                log.warning("relay producer lost its sequence (%s); starting a new one", type(exc).__name__)
                self.producer = await self.renew_producer(self.producer)
            elif not is_transient(exc):
                log.exception("relay pass failed")
            else:
                log.warning("relay waiting for the store or broker: %s", type(exc).__name__)
            return 0, min(max(idle, self.poll_interval_seconds) * 2, MAX_BACKOFF_SECONDS)

    async def _publish(self) -> int:
        # What a kit with a separate outbox left queued goes first, so each aggregate keeps its order.
        if not self._former_outbox_empty:
            published, self._former_outbox_empty = await self._publish_former_outbox()
            if not self._former_outbox_empty:
                return published
        return await self.publish_pending()

    async def _publish_former_outbox(self) -> tuple[int, bool]:
        """Publish a batch of the former `outbox` collection; (how many, whether it is empty now).

        Such an entry goes when its commit holds it; one without a commit past the grace period belonged
        to a writer that lost its race or died before its commit point, and is dropped, as that kit did.
        """
        former = self.db["outbox"]
        entries = await former.find({}).sort("created_at", 1).limit(self.batch_size).to_list()
        if not entries:
            return 0, True
        found = self.events.find({"_id": {"$in": sorted({e["commit_id"] for e in entries})}}, {"events.id": 1})
        commits = {c["_id"]: {e["id"] for e in c["events"]} async for c in found}
        ready = [e for e in entries if e["event_id"] in commits.get(e["commit_id"], set())]
        futures = [await self.producer.send(e["topic"], value=e["value"].encode(), key=e["aggregate_id"].encode(),
                                            headers=[(k, v.encode()) for k, v in e["headers"].items()])
                   for e in ready]
        await asyncio.gather(*futures)
        stale, sent = time.time() - self.abort_grace_seconds, {e["_id"] for e in ready}
        done = [e["_id"] for e in entries if e["_id"] in sent or e["created_at"] < stale]
        await former.delete_many({"_id": {"$in": done}})
        return len(ready), len(done) == len(entries) < self.batch_size

    async def _may_publish(self) -> bool:
        return self.lease is None or await self.lease.holds()

    async def publish_pending(self) -> int:
        """One pass: a batch of pending commits published and unmarked; returns how many events went."""
        # Oldest first: a later version of an aggregate is always committed after the earlier one.
        pending = self.events.find({OUTBOX_FIELD: PENDING}).sort("committed_at", 1)
        commits = await pending.limit(self.batch_size).batch_size(self.batch_size).to_list()  # one round trip
        if not commits:
            return 0
        commits.sort(key=lambda c: (c["committed_at"], c["aggregate_id"], c["version"]))
        commits = _in_version_order(commits)
        started = time.perf_counter()
        sent = [(commit, [await self._send(commit, env) for env in envelopes(commit)]) for commit in commits]
        flat = [f for _, futures in sent for f in futures]
        outcomes = iter(await asyncio.gather(*flat, return_exceptions=True))
        delivered, failures = [], []
        for commit, futures in sent:
            results = [next(outcomes) for _ in futures]
            errors = [r for r in results if isinstance(r, BaseException)]
            failures += errors
            if not errors:
                delivered.append(commit)
        observe_published([{"topic": c["topic"], "created_at": _epoch(c["committed_at"])}
                           for c in delivered for _ in c["events"]], started)
        # Unmark only what the broker acknowledged whole: re-sending an acknowledged event would double it.
        if delivered:
            await self.events.update_many({"_id": {"$in": [c["_id"] for c in delivered]}},
                                          {"$unset": {OUTBOX_FIELD: ""}})
        if failures:
            raise failures[0]
        return sum(len(c["events"]) for c in delivered)

    async def _send(self, commit: dict[str, Any], env: Envelope) -> asyncio.Future[Any]:
        """Hand one event to the producer inside a span that continues the command's trace."""
        with tracer().start_as_current_span(
                f"publish {env.type}", context=context_from_traceparent(env.traceparent),
                kind=trace.SpanKind.PRODUCER,
                attributes={"messaging.system": "kafka", "messaging.destination.name": commit["topic"],
                            "messaging.message.id": env.id}):
            future: asyncio.Future[Any] = await self.producer.send(
                commit["topic"], value=env.value(), key=env.key(), headers=env.headers())
        return future


def _in_version_order(commits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each aggregate's commits by version, aggregates in the order of their oldest pending commit."""
    by_aggregate: dict[str, list[dict[str, Any]]] = {}
    for commit in commits:
        by_aggregate.setdefault(commit["aggregate_id"], []).append(commit)
    return [c for group in by_aggregate.values() for c in sorted(group, key=lambda c: c["version"])]


async def _relay_stop(stop: asyncio.Event, woken: asyncio.Event) -> None:
    await stop.wait()
    woken.set()


def _epoch(committed_at: str) -> float:
    """A commit's ISO timestamp as seconds since the epoch, for the relay-delay metric."""
    return datetime.fromisoformat(committed_at).timestamp()
