"""Rebuild the indicator projections by replaying the topics (the command: `python -m advocacy.entrypoints.rebuild`).

1. Take the rebuild lock (a document inserted by `_id`: the one atomic guard FerretDB offers).
2. Assign every partition of the consumed topics (no consumer group, so live offsets are untouched),
   seek to the beginning and replay up to the end offsets seen at the start into a fresh generation
   of collections, with the very handlers the live consumers run.
3. Move the `live` pointer to the new generation, marked as settling, then replay once more up to the end
   offsets seen after the swap: an event the live consumer applied to the old generation just before the
   swap is also applied here (fact records are keyed by event id, so applying twice is harmless). Then
   mark it settled: readers follow its marks again (projections/readmodel.py).
4. Drop generations older than the previous one (kept for a rollback) and release the lock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import ValidationError
from pymongo.errors import DuplicateKeyError
from servicekit.consumer import ConsumedEvent
from servicekit.envelope import Envelope, InvalidEnvelope
from servicekit.errors import Conflict, DomainError
from servicekit.runtime import ConsumerGroup

from .bootstrap import Deps
from .projections import BufferedFactLog, FactLog

log = logging.getLogger("advocacy.rebuild")
LOCK_ID = "rebuild-lock"


@dataclass(frozen=True)
class RebuildResult:
    """What a rebuild did."""

    generation: int
    previous_generation: int
    replayed: int
    skipped: int
    records: dict[str, int]


async def rebuild(deps: Deps, groups: Sequence[ConsumerGroup], *, timeout: float = 600.0) -> RebuildResult:
    """Replay the consumed topics into a new generation and make it live."""
    settings = deps.core.settings
    await _acquire_lock(deps, getattr(settings, "rebuild_lock_seconds", 900.0))
    try:
        previous = await deps.projections.live_generation()
        target = deps.projections.generation(previous + 1)
        await target.drop()  # leftovers of an interrupted rebuild
        # Replayed facts are kept in memory and written in bulk after each batch read from the broker.
        buffer = BufferedFactLog(deps.core.db, target.generation)
        pinned = replace(deps, projections=deps.projections.buffered_into(buffer))
        subscriptions = {t: hs for g in groups for t, hs in g.subscriptions.items()}
        topics = sorted({settings.topic_namespace + t for g in groups for t in g.topics})
        replay = _Replay(settings.kafka_bootstrap, topics, subscriptions, pinned, time.monotonic() + timeout,
                         settings.kafka_options(), buffer)
        async with replay:
            first = await replay.to_end()
            await deps.projections.swap(target.generation, built_from=first, settling=True)
            await replay.to_end()
            await deps.projections.swap(target.generation, built_from=first)  # settled: readers may follow marks
        await _drop_older(deps, keep_from=previous)
        log.info("projections rebuilt", extra={"generation": target.generation, "replayed": replay.replayed})
        return RebuildResult(target.generation, previous, replay.replayed, replay.skipped, await target.counts())
    finally:
        await deps.core.db["projection_meta"].delete_one({"_id": LOCK_ID})


async def _acquire_lock(deps: Deps, stale_after: float) -> None:
    meta = deps.core.db["projection_meta"]
    try:
        await meta.insert_one({"_id": LOCK_ID, "since": time.time()})
        return
    except DuplicateKeyError:
        held = await meta.find_one({"_id": LOCK_ID})
    if held and time.time() - held["since"] < stale_after:
        raise Conflict("rebuild_running")
    # An abandoned lock (its holder died): take it over.
    await meta.replace_one({"_id": LOCK_ID}, {"_id": LOCK_ID, "since": time.time()}, upsert=True)


async def _drop_older(deps: Deps, *, keep_from: int) -> None:
    names = await deps.core.db.list_collection_names()
    generations = {int(n[1:5]) for n in names if n.startswith("g") and n[1:5].isdigit() and n[5:6] == "_"}
    for generation in sorted(g for g in generations if g < keep_from):
        await FactLog(deps.core.db, generation).drop()


class _Replay:
    """Reads every partition of the topics from the beginning, applying the handlers."""

    def __init__(self, bootstrap: str, topics: list[str], subscriptions: dict[str, Any], deps: Deps,
                 deadline: float, kafka_options: dict[str, Any], buffer: BufferedFactLog) -> None:
        self.topics, self.subscriptions, self.deps, self.deadline = topics, subscriptions, deps, deadline
        self.buffer = buffer
        self.consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                         auto_offset_reset="earliest", metadata_max_age_ms=1000, **kafka_options)
        self.partitions: list[TopicPartition] = []
        self.replayed = self.skipped = 0

    async def __aenter__(self) -> _Replay:
        await self.consumer.start()
        await self.consumer._client.force_metadata_update()  # topics created since start-up
        self.partitions = [TopicPartition(t, p) for t in self.topics
                           for p in sorted(self.consumer.partitions_for_topic(t) or ())]
        if self.partitions:
            self.consumer.assign(self.partitions)
            await self.consumer.seek_to_beginning(*self.partitions)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.consumer.stop()

    async def to_end(self) -> list[dict[str, Any]]:
        """Replay up to the end offsets as of now; returns them."""
        if not self.partitions:
            return []
        ends = await self.consumer.end_offsets(self.partitions)
        while await self._behind(ends):
            if time.monotonic() > self.deadline:
                raise TimeoutError("the rebuild did not reach the end of the topics in time")
            batch = await self.consumer.getmany(*self.partitions, timeout_ms=500, max_records=1000)
            for records in batch.values():
                for record in records:
                    await self._apply(record)
            await self.buffer.flush()
        return [{"topic": tp.topic, "partition": tp.partition, "offset": end} for tp, end in sorted(ends.items())]

    async def _behind(self, ends: dict[TopicPartition, int]) -> bool:
        for tp, end in ends.items():
            if await self.consumer.position(tp) < end:
                return True
        return False

    async def _apply(self, record: Any) -> None:
        try:
            envelope = Envelope.from_record(record.key, record.value, record.headers)
        except InvalidEnvelope:
            self.skipped += 1  # the live consumer dead-lettered it too
            return
        event = ConsumedEvent(envelope, record.topic, record.partition, record.offset)
        for handler in self.subscriptions.get(envelope.type, ()):
            try:
                await handler(event, self.deps)
            except (ValidationError, DomainError):
                self.skipped += 1  # can never succeed: the live consumer dead-letters these
                continue
        self.replayed += 1
