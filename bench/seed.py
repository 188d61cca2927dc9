"""Seeding for the growing benchmarks: realistic documents built by the services' own domain code.

Events are decided by the real domain functions (intake's `document`, casework's `receive`, `accept`,
`open_case`), folded by the real aggregate types, and turned into commit and outbox documents by the
kit's own builders, so the stored shapes are exactly what a running service writes. They are then
bulk-inserted in batches: a tier of 50k aggregates and 200k commits takes about a minute, not the hours
that 200k commands would. Random choices come from a seeded generator, so every run stores the same data.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from servicekit.commits import OUTBOX_FIELD, CommitHeader, commit_document
from servicekit.domain import AggregateState, AggregateType, DomainEvent
from servicekit.eventstore import GENESIS_HASH, CommandContext, EventStore

BATCH = 1000
# Commits per aggregate in the seeded history: 50k aggregates make the 200k commits of the largest tier.
COMMITS_PER_AGGREGATE = 4
Commits = list[list[DomainEvent]]


@dataclass
class Seeded:
    """What a seeding added: aggregate ids (for the measurements to pick from) and document counts."""

    aggregate_ids: list[str]
    projections: int = 0
    commits: int = 0


async def bulk_insert(collection: AsyncCollection[Any], docs: Iterable[dict[str, Any]]) -> int:
    """Insert in unordered batches of BATCH documents; returns how many were inserted."""
    batch: list[dict[str, Any]] = []
    count = 0
    for doc in docs:
        batch.append(doc)
        if len(batch) >= BATCH:
            await collection.insert_many(batch, ordered=False)
            count, batch = count + len(batch), []
    if batch:
        await collection.insert_many(batch, ordered=False)
        count += len(batch)
    return count


def history(store: EventStore, agg: AggregateType[Any], aggregate_id: str, commits: Commits,
            context: CommandContext) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Commit documents of one aggregate (hash-chained) and its projection, as the kit builds them."""
    docs: list[dict[str, Any]] = []
    state: AggregateState | None = None
    prev_hash = GENESIS_HASH
    keys: list[str] = []
    for version, events in enumerate(commits, start=1):
        ids = [str(uuid.uuid4()) for _ in events]
        commit = kit_commit(store, agg, aggregate_id, version, list(events), ids, prev_hash, context)
        del commit[OUTBOX_FIELD]  # seeded history was published long ago
        docs.append(commit)
        state = agg.fold(aggregate_id, state, events)
        prev_hash = commit["hash"]
    if state is None:
        return docs, None
    projection = state.model_dump(mode="json")
    projection.update({"_id": aggregate_id, "_version": len(commits), "_hash": prev_hash, "_keys": keys})
    return docs, projection


async def seed_aggregates(store: EventStore, agg: AggregateType[Any], count: int,
                          make: Callable[[int], tuple[str, Commits] | None]) -> Seeded:
    """Seed `count` aggregates: their commits into `events`, their projections into the aggregate's collection."""
    context = CommandContext(actor="bench-seed")
    seeded = Seeded(aggregate_ids=[])
    done = 0
    while done < count:
        commits, projections = [], []
        for i in range(done, min(done + BATCH, count)):
            made = make(i)
            if made is None:
                continue
            aggregate_id, decided = made
            docs, projection = history(store, agg, aggregate_id, decided, context)
            commits += docs
            if projection is not None:
                projections.append(projection)
            seeded.aggregate_ids.append(aggregate_id)
        seeded.commits += await bulk_insert(store.events, commits)
        seeded.projections += await bulk_insert(store.db[agg.collection], projections)
        done = min(done + BATCH, count)
    return seeded


def kit_commit(store: EventStore, agg: AggregateType[Any], aggregate_id: str, version: int,
               events: list[DomainEvent], ids: list[str], prev_hash: str, context: CommandContext) -> dict[str, Any]:
    """A commit document from the kit's own builder (the bench must store the real shape, not a copy)."""
    header = CommitHeader(aggregate_id, agg.name, version, prev_hash, store.topic_namespace + agg.topic, store.source)
    return commit_document(header, events, ids, context, None)


def outbox_backlog(store: EventStore, agg: AggregateType[Any], aggregate_ids: Sequence[str],
                   events: Callable[[int], DomainEvent]) -> list[dict[str, Any]]:
    """Committed, not yet published events: one new pending commit per aggregate."""
    context = CommandContext(actor="bench-seed")
    # Version 1000 + i never collides with the seeded history (versions 1..COMMITS_PER_AGGREGATE).
    return [kit_commit(store, agg, aggregate_id, 1000, [events(i)], [str(uuid.uuid4())], GENESIS_HASH, context)
            for i, aggregate_id in enumerate(aggregate_ids)]


class Clock:
    """Deterministic dates for seeded facts: spread over the years the programme documents."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def day(self, start: date = date(2012, 1, 1), end: date = date(2025, 12, 31)) -> date:
        return start + timedelta(days=self.rng.randrange((end - start).days))

    def moment(self) -> datetime:
        return datetime.combine(self.day(date(2020, 1, 1)), datetime.min.time(), UTC) + timedelta(
            seconds=self.rng.randrange(86_400))
