"""Event store on MongoDB or FerretDB 1.x: commit by `_id`, the commit is its own outbox entry.

The only atomic operation FerretDB guarantees is refusing a duplicate `_id`, so a command:
1. takes the aggregate's state from this process's cache, else from its projection (`_id` = aggregate
   id), or, for a command that creates the aggregate under an id minted for it, from nothing at all;
   after a collision it reloads and probes `events` for newer versions (repair);
2. decides (domain code; rule violations raise before anything is written);
3. inserts one commit document `events/<aggregate id>:<version>`, marked pending for the relay: the
   commit point and the optimistic-concurrency guard; a loser reloads and retries;
4. replaces the projection unless a newer one is stored (projections.py).
Steps 3 and 4 are one request where the store runs `bulkWrite` (bulk_writes.py: MongoDB 8, the local
store), in order, the projection's write skipped when the commit collides; two requests elsewhere. So on
the common path a command takes two store round trips at most (load, then commit and projection), one
when the state is cached or the command creates the aggregate; one more for each without `bulkWrite`.
The relay publishes pending commits and unmarks them (relay.py); a local commit wakes it.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from .bulk_writes import BulkWrites, Outcome
from .commits import (
    GENESIS_HASH,
    VERSION_WIDTH,
    CommandContext,
    CommitHeader,
    canonical_hash,
    commit_document,
    commit_id,
)
from .domain import AggregateType, DomainEvent, S
from .errors import ConcurrencyConflict, DomainError
from .ids import derived_id, new_id, replayed
from .projections import Loaded, ProjectionCache, from_projection, projection_write, save_projection
from .signals import CommitSignal
from .transient import retry_transient, worth_retrying_now

__all__ = ["GENESIS_HASH", "VERSION_WIDTH", "CommandContext", "Committed", "EventStore", "Loaded",
           "canonical_hash", "commit_id"]


@dataclass(frozen=True)
class Committed(Generic[S]):
    """The outcome of a command: the new state and the events it produced (none for a no-op)."""

    aggregate_id: str
    version: int
    state: S | None
    events: Sequence[DomainEvent]
    event_ids: Sequence[str]
    duplicate: bool = False


class EventStore:
    """Append-only, hash-chained event history whose commits wait in it for the relay."""

    def __init__(
        self,
        db: AsyncDatabase[Any],
        *,
        source: str,
        abort_grace_seconds: float = 60.0,
        max_attempts: int = 25,
        topic_namespace: str = "",
        fault_hook: Callable[[str], Awaitable[None]] | None = None,
        cache_size: int = 2000,
        bulk_writes: bool = True,
    ) -> None:
        self.db = db
        self.source = source
        self.events = db["events"]
        # Commits are their own outbox entries: nothing is aborted any more (kept for callers that pass it).
        self.abort_grace_seconds = abort_grace_seconds
        self.max_attempts = max_attempts
        self.topic_namespace = topic_namespace
        self.cache = ProjectionCache(cache_size)
        self.committed = CommitSignal()
        # A commit and its projection in one request while the store has `bulkWrite` (False: two, always).
        self.bulk = BulkWrites(db, enabled=bulk_writes)
        # Fault-injection point for tests that kill a writer between steps; None in production.
        self.fault_hook = fault_hook

    async def load(self, agg: AggregateType[S], aggregate_id: str, *, probe: bool = True) -> Loaded[S]:
        """Projection plus any newer commits (a writer may have died before updating it).

        `probe=False` trusts the projection: a command may do that on its first attempt, because
        a stale projection makes its commit collide on `_id` and the retry probes.
        """
        doc = await retry_transient(lambda: self.db[agg.collection].find_one({"_id": aggregate_id}))
        loaded = from_projection(agg, doc, GENESIS_HASH)
        state, version, last_hash, keys = loaded.state, loaded.version, loaded.last_hash, list(loaded.keys)
        while probe and (commit := await self._find_commit(commit_id(aggregate_id, version + 1))):
            state = agg.fold(aggregate_id, state, [agg.parse(e["type"], e["data"]) for e in commit["events"]])
            version, last_hash = commit["version"], commit["hash"]
            if commit.get("idempotency_key"):
                keys.append(commit["idempotency_key"])
        return Loaded(state=state, version=version, last_hash=last_hash, keys=tuple(keys))

    async def execute(
        self,
        agg: AggregateType[S],
        aggregate_id: str,
        decide: Callable[[S | None], Sequence[DomainEvent]],
        *,
        context: CommandContext,
        idempotency_key: str | None = None,
        creates: bool = False,
    ) -> Committed[S]:
        """Run one command: load, decide, append atomically, retrying on concurrent writers.

        `creates=True` says the id was minted for this command (a new id, or one derived from its
        idempotency key): its first attempt starts from the empty history without reading the store.
        Wrong only for a retried command whose first send was recorded, and then harmlessly: the
        commit of version 1 collides on `_id`, and the next attempt reads the history and answers the
        replay (or refuses the reused key) as any command does.
        """
        for attempt in range(self.max_attempts):
            probed = attempt > 0
            loaded = None if probed else self.cache.get(agg, aggregate_id)
            if loaded is None and creates and not probed:
                loaded = Loaded(state=None, version=0, last_hash=GENESIS_HASH, keys=())
            if loaded is None:
                loaded = await self.load(agg, aggregate_id, probe=probed)
            if probed:
                self.cache.put(agg, aggregate_id, loaded)
            if replayed(idempotency_key, loaded.keys):
                return Committed(aggregate_id, loaded.version, loaded.state, (), (), duplicate=True)
            try:
                events = list(decide(loaded.state))
            except DomainError:
                if probed:
                    raise
                continue  # the refusal may come from a stale projection: decide again on the full history
            if not events:
                if probed:
                    return Committed(aggregate_id, loaded.version, loaded.state, (), ())
                continue  # likewise for "nothing to do"
            done = await self._try_append(agg, aggregate_id, loaded, events, context, idempotency_key)
            if done is not None:
                return done
            self.cache.forget(agg, aggregate_id)
            # Lost the race for this version: back off a little (jitter spreads writers), reload.
            await asyncio.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise ConcurrencyConflict("concurrent_modification", aggregate=agg.name)

    async def _try_append(
        self,
        agg: AggregateType[S],
        aggregate_id: str,
        loaded: Loaded[S],
        events: list[DomainEvent],
        context: CommandContext,
        idempotency_key: str | None,
    ) -> Committed[S] | None:
        version = loaded.version + 1
        state = agg.fold(aggregate_id, loaded.state, events)
        ids = [derived_id(idempotency_key, str(i)) if idempotency_key else new_id() for i in range(len(events))]
        header = CommitHeader(aggregate_id, agg.name, version, loaded.last_hash,
                              self.topic_namespace + agg.topic, self.source)
        commit = commit_document(header, events, ids, context, idempotency_key)
        keys = (*loaded.keys, idempotency_key) if idempotency_key else loaded.keys
        saved = Loaded(state=state, version=version, last_hash=commit["hash"], keys=keys)
        await self._fault("before_commit")
        if not await self._write(agg, aggregate_id, commit, saved):
            return None
        self.cache.put(agg, aggregate_id, saved)
        return Committed(aggregate_id, version, state, events, ids)

    async def _write(self, agg: AggregateType[S], aggregate_id: str, commit: dict[str, Any],
                     saved: Loaded[S]) -> bool:
        """The commit, then its projection; False when another writer took this version.

        One request where the store has `bulkWrite`, unless a test stops this writer between the two
        writes (`fault_hook`); two requests otherwise, which the fault tests exercise.
        """
        if self.bulk.available and self.fault_hook is None:
            outcome = await self.bulk.commit_and_project(commit, agg.collection,
                                                         projection_write(agg, aggregate_id, saved))
            if outcome is Outcome.COLLIDED:
                return False
            if outcome is Outcome.SAVED:
                self.committed.notify()
                return True
            if outcome is Outcome.UNKNOWN and not await self._insert_commit(commit, answer_lost=True):
                return False
            if outcome is not Outcome.UNSUPPORTED:  # the commit is stored (UNKNOWN read back, PROJECTION_LEFT)
                self.committed.notify()
                await save_projection(self.db, agg, aggregate_id, saved)
                return True
        if not await self._insert_commit(commit):
            return False
        self.committed.notify()
        await self._fault("after_commit")
        await save_projection(self.db, agg, aggregate_id, saved)
        return True

    async def _find_commit(self, _id: str, projection: dict[str, int] | None = None) -> dict[str, Any] | None:
        return await retry_transient(lambda: self.events.find_one({"_id": _id}, projection))

    async def _insert_commit(self, commit: dict[str, Any], *, answer_lost: bool = False) -> bool:
        """Append the commit; False when another writer took this version.

        After a quick transient failure (`answer_lost`: one met before) the insert is retried; a duplicate
        then may be our own commit that landed before the connection dropped: it is ours when it holds our
        event ids (fresh ids, or ids derived from the same idempotent command, whose other writer committed
        the same events).
        """
        if not answer_lost:
            try:
                await self.events.insert_one(commit)
                return True
            except DuplicateKeyError:
                return False
            except Exception as exc:
                if not worth_retrying_now(exc):
                    raise
        try:
            await retry_transient(lambda: self.events.insert_one(commit))
            return True
        except DuplicateKeyError:
            existing = await self._find_commit(commit["_id"], {"events.id": 1})
            ours = [e["id"] for e in commit["events"]]
            return existing is not None and [e["id"] for e in existing["events"]] == ours

    async def _fault(self, step: str) -> None:
        if self.fault_hook is not None:
            await self.fault_hook(step)

    async def history(self, aggregate_id: str) -> list[dict[str, Any]]:
        """Every commit of one aggregate, in version order (the audit history)."""
        commits = []
        version = 1
        while commit := await self.events.find_one({"_id": commit_id(aggregate_id, version)}):
            commits.append(commit)
            version += 1
        return commits
