"""An in-memory event store for handler-level tests (a fake of `EventStore`'s command side, no I/O).

It keeps the rules a handler relies on — load, decide, append, the Idempotency-Key policy, the domain's
refusals — so a rule's test can run a handler in microseconds. What only the real store can show
(concurrent writers, the relay, the hash chain on disk) stays in the integration tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..domain import AggregateType, DomainEvent, S
from ..eventstore import GENESIS_HASH, CommandContext, Committed, Loaded
from ..ids import new_id, replayed


@dataclass
class StoredCommit:
    """What the fake keeps of one command: its events, context and key."""

    aggregate: str
    aggregate_id: str
    version: int
    events: list[DomainEvent]
    context: CommandContext
    idempotency_key: str | None


@dataclass
class MemoryEventStore:
    """`load` and `execute` like the kit's EventStore, over a list of commits in memory."""

    commits: list[StoredCommit] = field(default_factory=list)

    async def load(self, agg: AggregateType[S], aggregate_id: str, *, probe: bool = True) -> Loaded[S]:
        """The state folded from the aggregate's commits."""
        state: S | None = None
        mine = self.history(agg, aggregate_id)
        for commit in mine:
            state = agg.fold(aggregate_id, state, commit.events)
        keys = tuple(c.idempotency_key for c in mine if c.idempotency_key)
        return Loaded(state=state, version=len(mine), last_hash=GENESIS_HASH, keys=keys)

    async def execute(self, agg: AggregateType[S], aggregate_id: str,
                      decide: Callable[[S | None], Sequence[DomainEvent]], *, context: CommandContext,
                      idempotency_key: str | None = None, creates: bool = False) -> Committed[S]:
        """Load, decide, append; a redelivered key is a no-op, a key reused with another body a 409.

        `creates` changes nothing here: the real store only skips a read that this one does not make.
        """
        loaded = await self.load(agg, aggregate_id)
        if replayed(idempotency_key, loaded.keys):
            return Committed(aggregate_id, loaded.version, loaded.state, (), (), duplicate=True)
        events = list(decide(loaded.state))
        if not events:
            return Committed(aggregate_id, loaded.version, loaded.state, (), ())
        version = loaded.version + 1
        self.commits.append(StoredCommit(agg.name, aggregate_id, version, events, context, idempotency_key))
        state = agg.fold(aggregate_id, loaded.state, events)
        return Committed(aggregate_id, version, state, events, [new_id() for _ in events])

    def history(self, agg: AggregateType[Any], aggregate_id: str) -> list[StoredCommit]:
        """The aggregate's commits, oldest first."""
        return [c for c in self.commits if c.aggregate == agg.name and c.aggregate_id == aggregate_id]

    def events_of(self, agg: AggregateType[Any], aggregate_id: str) -> list[DomainEvent]:
        """Every event the aggregate has, oldest first."""
        return [event for commit in self.history(agg, aggregate_id) for event in commit.events]
