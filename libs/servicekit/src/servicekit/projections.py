"""Projection documents (`_id` = aggregate id) and the in-process cache that spares their reads.

The cache holds what this process last saved or loaded. It may be stale when another process wrote
the aggregate since: a command decided on a stale state takes a version that exists already, its commit
collides on `_id`, and the store reloads from the store, probing the history. So a stale entry costs a
retry, never a wrong commit.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Generic

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from .domain import AggregateType, S
from .transient import retry_transient


@dataclass(frozen=True)
class Loaded(Generic[S]):
    """An aggregate's current state as read from the store."""

    state: S | None
    version: int
    last_hash: str
    keys: tuple[str, ...]


class ProjectionCache:
    """The last known state of recently written aggregates, least recently used first out."""

    def __init__(self, size: int = 2000) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, str], Loaded[Any]] = OrderedDict()

    def get(self, agg: AggregateType[S], aggregate_id: str) -> Loaded[S] | None:
        """The cached state, or None."""
        key = (agg.collection, aggregate_id)
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, agg: AggregateType[S], aggregate_id: str, loaded: Loaded[S]) -> None:
        """Remember a state this process read or wrote."""
        if self.size <= 0:
            return
        key = (agg.collection, aggregate_id)
        self._entries[key] = loaded
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def forget(self, agg: AggregateType[S], aggregate_id: str) -> None:
        """Drop an entry found stale."""
        self._entries.pop((agg.collection, aggregate_id), None)


@dataclass(frozen=True)
class ProjectionWrite:
    """How a projection is saved: inserted for a first version (`guard` None), else replaced where the
    stored one is older (`guard` is the filter), as an upsert."""

    document: dict[str, Any]
    guard: dict[str, Any] | None


def projection_write(agg: AggregateType[S], aggregate_id: str, loaded: Loaded[S]) -> ProjectionWrite | None:
    """The write that saves this state as the aggregate's projection (None for no state)."""
    if loaded.state is None:
        return None
    doc = loaded.state.model_dump(mode="json")
    doc.update({"_id": aggregate_id, "_version": loaded.version, "_hash": loaded.last_hash,
                "_keys": list(loaded.keys)})
    if loaded.version == 1:
        # This writer committed version 1, so only a later version's projection can be stored: a plain
        # insert (cheaper than an upsert on both stores) meets the same duplicate as the guarded upsert.
        return ProjectionWrite(doc, None)
    return ProjectionWrite(doc, {"_id": aggregate_id, "_version": {"$lt": loaded.version}})


async def save_projection(db: AsyncDatabase[Any], agg: AggregateType[S], aggregate_id: str,
                          loaded: Loaded[S]) -> None:
    """Replace the projection unless a newer one is stored: one round trip, never back in time.

    The filter carries the version, so a writer that saves after a concurrent writer of a later version
    matches nothing; its upsert then meets the `_id` and is refused as a duplicate, which is the answer
    "a newer projection is there". MongoDB does this atomically; FerretDB 1.x reads then writes within
    the request, and a projection left behind there is repaired by the next command (a stale projection
    makes its commit collide, and the retry probes the history).
    """
    write = projection_write(agg, aggregate_id, loaded)
    if write is None:
        return
    collection, doc, guard = db[agg.collection], write.document, write.guard
    try:
        if guard is None:
            await retry_transient(lambda: collection.insert_one(doc))
        else:
            await retry_transient(lambda: collection.replace_one(guard, doc, upsert=True))
    except DuplicateKeyError:
        pass


def from_projection(agg: AggregateType[S], doc: dict[str, Any] | None, genesis: str) -> Loaded[S]:
    """The state a projection document holds (nothing for a missing one)."""
    if doc is None:
        return Loaded(state=None, version=0, last_hash=genesis, keys=())
    fields = {k: v for k, v in doc.items() if not k.startswith("_")} | {"id": doc["_id"]}
    return Loaded(state=agg.state_type.model_validate(fields), version=int(doc["_version"]),
                  last_hash=doc["_hash"], keys=tuple(doc.get("_keys", [])))
