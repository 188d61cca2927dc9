"""The indicators' read model held by the process that answers: facts folded once, then followed by marks.

The first question asked of a generation reads it whole (the cold start), unless the API's start-up task
(`follow`) has read it already. Later ones read only the marks added since (generations.py: one per delivery,
`_id` = `<topic>:<partition>:<offset>`), by `_id` ranges that the `_id` index serves on both stores, fetch the
facts those marks point to by `_id`, and fold again only the subjects they are about. Answers are kept per
question while the facts they read are unchanged.

Why a range past the last offset read cannot miss a mark: a partition is consumed by one kit consumer at a
time, record after record; each record's fact and then its mark are written (or refused as already written,
which means already visible) before the next record is handled and before the offset is committed, and a
new owner starts from the committed offset. So once a partition's mark at offset o is visible, every mark
below o that will ever be written for that partition is visible too, and a reader walking the marks in
`_id` order that has read o has read them all. A rebuild's bulk writes keep no such order: while the live
pointer says `settling`, every question folds every record (as before this read model), and the settled
generation is read afresh.

Why the cold read misses nothing either, though it reads no mark but each partition's last (`high_waters`,
two bounded `_id` queries per partition): it takes a partition's last offset h first, and only then reads
every fact. By the argument above every mark at or below h was visible when h was, and the fact each of them
points to was visible before its mark, so the fact read, which starts later, holds all of them. It may also
hold facts whose marks lie past h (written in between): they are folded now, and the next catch-up, which
reads the marks past h, finds their events held already and fetches nothing for them (folding is by event
id and subject, so a fact taken twice counts once). A partition whose first mark came after the walk passed
its place is not in `seen`, so the next catch-up reads it from its start.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from .generations import (
    FOLDS,
    MARKS,
    FactLog,
    Projections,
    collection_name,
    parse_position,
    partition_end,
    partition_prefix,
    position_key,
)

FETCH_CHUNK = 500  # fact ids per `$in` read after a burst of marks
LOAD_CHUNK = 2000  # facts read, or subjects folded, between two turns of the event loop (the API stays responsive)
ANSWERS_KEPT = 64  # questions remembered (period x verified_only x sections)
Record = dict[str, Any]


def unread_ranges(seen: Mapping[tuple[str, int], int]) -> list[dict[str, Any]]:
    """`_id` filters of the marks not read yet: past each known partition's last offset, and any other partition."""
    known = sorted((partition_prefix(t, p), position_key(t, p, o)) for (t, p), o in seen.items())
    if not known:
        return [{}]
    ranges: list[dict[str, Any]] = [{"_id": {"$lt": known[0][0]}}]
    for i, (_, last) in enumerate(known):
        bound: dict[str, Any] = {"$gt": last}
        if i + 1 < len(known):
            bound["$lt"] = known[i + 1][0]  # partitions not known yet sort between known ones: read them too
        ranges.append({"_id": bound})
    return ranges


@dataclass
class Folded:
    """One generation's facts as this process last read them."""

    generation: int
    records: dict[str, dict[str, dict[str, Record]]] = field(default_factory=dict)  # kind, subject, event id
    owners: dict[str, dict[str, str]] = field(default_factory=dict)  # kind: event id -> subject
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind: subject -> folded (None: incomplete)
    seen: dict[tuple[str, int], int] = field(default_factory=dict)  # (topic, partition) -> last offset read
    versions: dict[str, int] = field(default_factory=dict)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, kind: str, records: Iterable[Record]) -> None:
        """Take fact records in and fold again the subjects they are about."""
        self.fold(kind, self.take(kind, records))

    def take(self, kind: str, records: Iterable[Record]) -> set[str]:
        """Keep the fact records not held yet; the subjects they are about (to fold again)."""
        changed: set[str] = set()
        for record in records:
            if record["_id"] in self.owners.setdefault(kind, {}):
                continue
            self.owners[kind][record["_id"]] = record["subject"]
            self.records.setdefault(kind, {}).setdefault(record["subject"], {})[record["_id"]] = record
            changed.add(record["subject"])
        return changed

    def fold(self, kind: str, subjects: Iterable[str]) -> None:
        """Fold these subjects' records again (a new version of the kind when there are any)."""
        fold, folded, changed = FOLDS[kind], self.facts.setdefault(kind, {}), False
        for subject in subjects:
            folded[subject], changed = fold(self.records[kind][subject].values()), True
        if changed:
            self.versions[kind] = self.versions.get(kind, 0) + 1
            self.views.pop(kind, None)

    def note(self, mark_id: str) -> None:
        """A mark was read: its partition has been read up to its offset."""
        topic, partition, offset = parse_position(mark_id)
        if offset > self.seen.get((topic, partition), -1):
            self.seen[topic, partition] = offset

    def view(self, kind: str) -> dict[str, Any]:
        """Current facts per subject, exactly as `FactLog.folded` returns them (sorted, incomplete ones left out)."""
        if kind not in self.views:
            self.views[kind] = {s: facts for s, facts in sorted(self.facts.get(kind, {}).items()) if facts is not None}
        return self.views[kind]


@dataclass(frozen=True)
class View:
    """Folded facts of some kinds, their generation, and their versions (None: not to be remembered)."""

    generation: int
    facts: dict[str, dict[str, Any]]
    versions: tuple[int, ...] | None


class ReadModel:
    """The live generation's folded facts, caught up on each question; and the answers given."""

    def __init__(self, projections: Projections, follow_every: float = 5.0) -> None:
        self.projections = projections
        self.follow_every = follow_every
        self.state: Folded | None = None
        self.answers: dict[Any, tuple[tuple[int, ...], Any]] = {}
        self._lock = asyncio.Lock()  # one catch-up at a time; concurrent questions wait and share it

    async def warm(self) -> bool:
        """Read the live generation whole unless this process holds it already (questions meanwhile wait for it);
        whether it was read now."""
        generation, settling = await self.projections.live_state()
        if settling:
            return False  # questions fold every record until the rebuild settles; the settled one is read then
        async with self._lock:
            if self._held(generation) is not None:
                return False
            await self._read_afresh(generation)
            return True

    async def follow(self, stop: asyncio.Event, then: Callable[[], Awaitable[Any]] | None = None) -> None:
        """The API's task: warm the read model when it starts, then after each rebuild's swap (seen within
        `follow_every` s: the pointer is read that often, one `_id` lookup; new marks are left to the questions),
        calling `then` after each read (the dashboard's first question, answered ahead)."""
        while not stop.is_set():
            if await self.warm() and then is not None:
                await then()
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.follow_every)
            except TimeoutError:
                pass

    async def current(self, kinds: Iterable[str]) -> View:
        """Folded facts of some kinds in the live generation, up to date as of this call."""
        wanted = sorted(set(kinds))
        generation, settling = await self.projections.live_state()
        if settling:
            log = self.projections.generation(generation)
            return View(generation, {k: await log.folded(k) for k in wanted}, None)
        async with self._lock:  # a question that comes during a load (the start-up task's) waits for that one
            state = self._held(generation)
            if state is None:
                state = await self._read_afresh(generation)
            else:
                await self._catch_up(self.projections.generation(generation), state)
            return View(generation, {k: state.view(k) for k in wanted}, tuple(state.versions.get(k, 0) for k in wanted))

    def remembered(self, question: Any, versions: tuple[int, ...] | None) -> Any:
        """The answer given to this question while its facts were the same, if any."""
        kept = self.answers.get(question)
        return kept[1] if kept is not None and versions is not None and kept[0] == versions else None

    def remember(self, question: Any, versions: tuple[int, ...] | None, answer: Any) -> None:
        """Keep an answer for as long as its facts do not change (the oldest question goes first)."""
        if versions is None:
            return
        self.answers.pop(question, None)
        if len(self.answers) >= ANSWERS_KEPT:
            self.answers.pop(next(iter(self.answers)))
        self.answers[question] = (versions, answer)

    def _held(self, generation: int) -> Folded | None:
        return self.state if self.state is not None and self.state.generation == generation else None

    async def _read_afresh(self, generation: int) -> Folded:
        self.state, self.answers = None, {}
        self.state = await self._load(self.projections.generation(generation))
        return self.state

    async def _load(self, log: FactLog) -> Folded:
        state = Folded(log.generation)
        # Each partition's last mark first: every fact a mark up to it points to was visible before it, so the
        # full read below has it (the module's docstring).
        state.seen = await high_waters(log.db, log.generation)
        for kind in FOLDS:
            subjects: set[str] = set()
            cursor = log.db[collection_name(log.generation, kind)].find({}, batch_size=LOAD_CHUNK)
            while batch := await cursor.to_list(LOAD_CHUNK):
                subjects |= state.take(kind, batch)
            pending = list(subjects)
            for start in range(0, len(pending), LOAD_CHUNK):
                state.fold(kind, pending[start:start + LOAD_CHUNK])
                await asyncio.sleep(0)  # folding is CPU: let the API answer probes and other routes in between
        return state

    async def _catch_up(self, log: FactLog, state: Folded) -> None:
        wanted: dict[str, list[str]] = {}
        for mark in await marks_since(log.db, log.generation, state.seen):
            state.note(mark["_id"])
            if mark["event_id"] not in state.owners.get(mark["collection"], {}):
                wanted.setdefault(mark["collection"], []).append(mark["event_id"])
        for kind, ids in wanted.items():
            state.add(kind, await facts_by_id(log.db, log.generation, kind, ids))


async def high_waters(db: AsyncDatabase[Any], generation: int) -> dict[tuple[str, int], int]:
    """Each partition's last offset marked in a generation: its first mark past the previous partition, then its
    last, two bounded `_id` queries per partition that the `_id` index serves (no other mark is read)."""
    marks = db[collection_name(generation, MARKS)]
    found: dict[tuple[str, int], int] = {}
    after: dict[str, Any] = {"_id": {"$gte": ""}}  # every mark (a range, so the store searches its `_id` index)
    while first := await marks.find(after, {"_id": 1}).sort("_id", 1).limit(1).to_list():
        topic, partition, _ = parse_position(first[0]["_id"])
        end = partition_end(topic, partition)
        last = await marks.find({"_id": {"$lt": end}}, {"_id": 1}).sort("_id", -1).limit(1).to_list()
        found[topic, partition] = parse_position(last[0]["_id"])[2]
        after = {"_id": {"$gt": end}}
    return found


async def marks_since(db: AsyncDatabase[Any], generation: int, seen: Mapping[tuple[str, int], int]) -> list[Record]:
    """The marks of a generation not read yet: one `_id` range per known partition (and between), read together."""
    marks = db[collection_name(generation, MARKS)]
    found = await asyncio.gather(*(marks.find(q).sort("_id", 1).to_list() for q in unread_ranges(seen)))
    return [mark for batch in found for mark in batch]


async def facts_by_id(db: AsyncDatabase[Any], generation: int, kind: str, ids: Sequence[str]) -> list[Record]:
    """Fact records of one kind by event id, a bounded `$in` at a time."""
    facts = db[collection_name(generation, kind)]
    found: list[Record] = []
    for start in range(0, len(ids), FETCH_CHUNK):
        found += await facts.find({"_id": {"$in": list(ids[start:start + FETCH_CHUNK])}}).to_list()
    return found
