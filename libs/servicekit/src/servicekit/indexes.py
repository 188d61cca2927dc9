"""Indexes a service's queries need, declared beside the queries and created at start-up, idempotently.

Declare equality fields first, then the sort key, then ranges (ESR), so MongoDB serves a listing from
the index without a sort stage; on the local store (patched FerretDB on SQLite) an index serves string
equality and `$in` on its first field, and an index ending in `_id` serves an `_id`-sorted page whose
filter fixes its other keys (docs/performance.md, "Which query shapes an index serves").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from .errors import is_transient

log = logging.getLogger("servicekit.indexes")


@dataclass(frozen=True)
class Index:
    """One index: its collection, its keys in order (1 ascending, -1 descending) and the query it serves."""

    collection: str
    keys: tuple[tuple[str, int], ...]
    serves: str

    @property
    def name(self) -> str:
        """A stable name from the keys, so a second start-up finds it and creates nothing."""
        return "_".join(f"{field}_{direction}" for field, direction in self.keys)


# The kit's own: the relay reads pending commits, oldest first.
KIT_INDEXES = (Index("events", (("outbox", 1), ("committed_at", 1)), "relay: pending commits, oldest first"),)


async def ensure_indexes(db: AsyncDatabase[Any], indexes: Sequence[Index]) -> None:
    """Create every index that is missing (creating an existing one is a no-op)."""
    for index in (*KIT_INDEXES, *indexes):
        await db[index.collection].create_index(list(index.keys), name=index.name)


async def ensure_indexes_eventually(db: AsyncDatabase[Any], indexes: Sequence[Index], stop: asyncio.Event,
                                    retry_seconds: float = 5.0) -> None:
    """At start-up, in the background: a store that is away delays the indexes, not the process."""
    while not stop.is_set():
        try:
            await ensure_indexes(db, indexes)
            return
        except Exception as exc:
            if not is_transient(exc):
                raise
            log.warning("indexes not created yet, the store is away: %s", type(exc).__name__)
        try:
            await asyncio.wait_for(stop.wait(), timeout=retry_seconds)
        except TimeoutError:
            pass
