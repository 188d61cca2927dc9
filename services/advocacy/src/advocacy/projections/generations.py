"""Advocacy's read models, built only from consumed events (never from another service's store).

Every consumed event becomes one *fact record* whose `_id` is the event id: inserting it is the one
operation FerretDB refuses atomically when repeated, so a redelivered event is a no-op, and no
read-modify-write can lose an update when two consumers overlap during a rebalance. Reading folds
a subject's records in source order (domain/facts.py), so the figures do not depend on the order
in which different topics are delivered.

Records live in collections of one *generation* (`g0001_incidents`, ...). A rebuild replays the
topics into the next generation and then moves the `live` pointer (see replay.py). A record keeps
only the fields that indicators count; victims appear only under a one-way key.

Beside its fact record, every delivery leaves a *mark* in the generation's `marks` collection, keyed by
where the event sits on the broker (`<topic>:<partition>:<offset>`, insert-only like the facts), so a
reader can ask "what was added since" with an `_id` range (readmodel.py).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from ..domain import facts as f

KINDS = ("incidents", "victims", "referrals", "cases", "hearings", "reparations", "sessions")
MARKS = "marks"
POINTER = "live"
FIRST_GENERATION = 1


def collection_name(generation: int, kind: str) -> str:
    """Name of one kind's collection in one generation."""
    return f"g{generation:04d}_{kind}"


def position_key(topic: str, partition: int, offset: int) -> str:
    """A mark's `_id`: where an event sits on the broker, ordered as a string (topic names hold no ':')."""
    return f"{partition_prefix(topic, partition)}{offset:019d}"


def partition_prefix(topic: str, partition: int) -> str:
    """What every mark of one partition starts with (and sorts after)."""
    return f"{topic}:{partition:05d}:"


def partition_end(topic: str, partition: int) -> str:
    """Sorts after every mark of one partition (offsets are digits; ';' follows them), before any that sorts after."""
    return f"{topic}:{partition:05d};"


def parse_position(key: str) -> tuple[str, int, int]:
    """(topic, partition, offset) of a mark's `_id`."""
    topic, partition, offset = key.rsplit(":", 2)
    return topic, int(partition), int(offset)


@dataclass(frozen=True)
class FactRecord:
    """One consumed event, reduced to what indicators need."""

    event_id: str
    subject: str
    kind: str
    at: str
    topic: str
    partition: int
    offset: int
    data: Mapping[str, Any]

    def document(self) -> dict[str, Any]:
        return {"_id": self.event_id, "subject": self.subject, "kind": self.kind, "at": self.at,
                "offset": self.offset, "data": dict(self.data)}

    def mark(self, collection: str) -> dict[str, Any]:
        """This delivery's mark: its broker position and the fact it points to (the stored one, by event id)."""
        return {"_id": position_key(self.topic, self.partition, self.offset), "collection": collection,
                "event_id": self.event_id}


@dataclass(frozen=True)
class CurrentFacts:
    """Everything the indicators are computed from, folded per subject."""

    incidents: Mapping[str, f.IncidentFacts]
    victims: Mapping[str, f.VictimFacts]
    referrals: Mapping[str, f.ReferralFacts]
    cases: Mapping[str, f.CaseFacts]
    hearings: Mapping[str, f.HearingFacts]
    reparations: Mapping[str, f.ReparationFacts]
    sessions: Mapping[str, f.SessionFacts]


FOLDS: dict[str, Any] = {
    "incidents": f.fold_incident, "victims": f.fold_victim, "referrals": f.fold_referral, "cases": f.fold_case,
    "hearings": f.fold_hearing, "reparations": f.fold_reparation, "sessions": f.fold_session,
}


class FactLog:
    """The fact records of one generation."""

    def __init__(self, db: AsyncDatabase[Any], generation: int) -> None:
        self.db = db
        self.generation = generation

    async def record(self, collection: str, fact: FactRecord) -> bool:
        """Store a fact once, then its mark; False when this event was already recorded."""
        try:
            await self.db[collection_name(self.generation, collection)].insert_one(fact.document())
            recorded = True
        except DuplicateKeyError:
            recorded = False
        # Always after the fact (a redelivery writes a mark a crash left unwritten): a visible mark means a
        # visible fact, and one partition's marks become visible in offset order (readmodel.py relies on both).
        try:
            await self.db[collection_name(self.generation, MARKS)].insert_one(fact.mark(collection))
        except DuplicateKeyError:
            pass
        return recorded

    async def records(self, kind: str) -> list[dict[str, Any]]:
        """Every record of one kind."""
        return [doc async for doc in self.db[collection_name(self.generation, kind)].find({})]

    async def folded(self, kind: str) -> dict[str, Any]:
        """Current facts per subject of one kind (subjects whose facts are incomplete are left out)."""
        fold = FOLDS[kind]
        groups = f.group_by_subject(await self.records(kind))
        folded = {subject: fold(records) for subject, records in groups.items()}
        return {subject: facts for subject, facts in sorted(folded.items()) if facts is not None}

    async def current(self) -> CurrentFacts:
        """All current facts."""
        return CurrentFacts(**{kind: await self.folded(kind) for kind in KINDS})

    async def counts(self) -> dict[str, int]:
        """Number of records per kind (for the rebuild report and health of the read model)."""
        return {kind: await self.db[collection_name(self.generation, kind)].count_documents({}) for kind in KINDS}

    async def drop(self) -> None:
        """Remove this generation's collections."""
        for kind in (*KINDS, MARKS):
            await self.db.drop_collection(collection_name(self.generation, kind))


class BufferedFactLog(FactLog):
    """A rebuild's fact log: records are kept in memory and written in bulk by `flush`."""

    def __init__(self, db: AsyncDatabase[Any], generation: int) -> None:
        super().__init__(db, generation)
        self._pending: dict[str, list[dict[str, Any]]] = {}

    async def record(self, collection: str, fact: FactRecord) -> bool:
        """Keep a fact and its mark for the next flush (a repeated event is refused then, by its `_id`)."""
        self._pending.setdefault(collection, []).append(fact.document())
        self._pending.setdefault(MARKS, []).append(fact.mark(collection))
        return True

    async def flush(self) -> None:
        """Write what was kept, one unordered bulk insert per kind and marks last; repeats change nothing."""
        pending, self._pending = self._pending, {}
        marks = pending.pop(MARKS, [])
        for collection, docs in [*pending.items(), (MARKS, marks)]:
            if not docs:
                continue
            try:
                await self.db[collection_name(self.generation, collection)].insert_many(docs, ordered=False)
            except BulkWriteError as exc:
                if any(e.get("code") != 11000 for e in exc.details.get("writeErrors", [])):
                    raise


class Projections:
    """Which generation is live, and access to it; `pinned` fixes one generation (rebuilds)."""

    def __init__(self, db: AsyncDatabase[Any], pinned: int | None = None,
                 buffer: BufferedFactLog | None = None) -> None:
        self.db = db
        self.meta = db["projection_meta"]
        self.pinned = buffer.generation if buffer is not None else pinned
        self.buffer = buffer

    async def live_generation(self) -> int:
        """The generation readers and the live consumers use."""
        if self.pinned is not None:
            return self.pinned
        doc = await self.meta.find_one({"_id": POINTER})
        return int(doc["generation"]) if doc else FIRST_GENERATION

    async def live(self) -> FactLog:
        """The fact log readers and consumers should use now."""
        if self.buffer is not None:
            return self.buffer
        return FactLog(self.db, await self.live_generation())

    def generation(self, generation: int) -> FactLog:
        """The fact log of a given generation."""
        return FactLog(self.db, generation)

    def pinned_to(self, generation: int) -> Projections:
        """The same projections with one generation fixed (a rebuild writes there)."""
        return Projections(self.db, pinned=generation)

    def buffered_into(self, buffer: BufferedFactLog) -> Projections:
        """The same projections writing into a rebuild's buffer (its generation fixed)."""
        return Projections(self.db, buffer=buffer)

    async def swap(self, generation: int, *, built_from: list[dict[str, Any]], settling: bool = False) -> None:
        """Make a generation live (only the rebuild, under its lock, calls this).

        `settling` says the rebuild is still writing into it (its replay after the swap): readers then fold
        every record, since those bulk writes do not become visible in offset order.
        """
        # built_from lists {topic, partition, offset}: topic names hold dots, so they are never keys.
        doc = {"_id": POINTER, "generation": generation, "swapped_at": time.time(), "built_from": built_from,
               "settling": settling}
        await self.meta.replace_one({"_id": POINTER}, doc, upsert=True)

    async def live_state(self) -> tuple[int, bool]:
        """The live generation, and whether a rebuild is still writing into it."""
        if self.pinned is not None:
            return self.pinned, False
        doc = await self.meta.find_one({"_id": POINTER})
        return (int(doc["generation"]), bool(doc.get("settling"))) if doc else (FIRST_GENERATION, False)

    async def status(self) -> dict[str, Any]:
        """The live generation and when it was built."""
        doc = await self.meta.find_one({"_id": POINTER}) or {"generation": FIRST_GENERATION}
        log = FactLog(self.db, int(doc["generation"]))
        return {"generation": log.generation, "swapped_at": doc.get("swapped_at"), "records": await log.counts()}
