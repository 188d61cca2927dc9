"""Audit log of access to victim data: who, what, when, why, and the outcome — never the PII itself.

Whether an entry holds PII cannot be checked in general, so the shape keeps it out: resource ids must
be pseudonymous ids (``^[A-Za-z0-9:_-]{1,80}$``, no spaces, so no names or free text), and purpose
and reason are short (at most 200 characters). Callers write a purpose such as "hearing reminder",
never a copy of the data.

The log is one hash chain, like the event history: entry n is stored under ``_id`` = n (zero-padded),
with ``prev_hash`` (entry n-1's hash) and ``hash`` (SHA-256 over its canonical JSON, n and prev_hash).
The insert of ``_id`` n is the one atomic step FerretDB offers, so concurrent writers (every API and
worker process) each win a distinct n; a loser reads the winner and tries n+1. ``audit_head`` keeps
the highest n written, so deleting the newest entries is detectable too (see audit_chain.py).

An audited action costs two writes, the entry and the head, and cannot cost one: a record returns only
once the head covers its entry, else deleting the newest entries would go unseen until some later write
(indefinitely after a process stops). What can be shared is the head: records arriving while a process
is writing wait, then go together, their entries appended in order and the head moved once for all
(a group commit), so under concurrency a process writes fewer heads than entries. Where the store runs
`bulkWrite` (bulk_writes.py), the entries and the head travel in one request, in order: an entry whose
position another writer took stops it before the head, and the rest go one by one as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from pymongo.errors import DuplicateKeyError

from .audit_entries import (
    GENESIS_HASH,
    HEAD_ID,
    MAX_ORGANISATION,
    MAX_TEXT,
    RESOURCE_ID_PATTERN,
    SEQ_WIDTH,
    AuditEntry,
    chain_hash,
    chained,
    entry_of,
    seq_id,
)
from .bulk_writes import BulkWrites, Outcome, Write

# The entry's shape and hash live in audit_entries.py; they are named here too, where callers import them.
__all__ = ["GENESIS_HASH", "HEAD_ID", "MAX_ORGANISATION", "MAX_TEXT", "RESOURCE_ID_PATTERN", "SEQ_WIDTH",
           "AuditCollection", "AuditEntry", "AuditLog", "chain_hash", "entry_of", "seq_id"]

MAX_QUERY_LIMIT = 1000
# Each failed attempt means another writer won that position; this many in a row means something is wrong.
MAX_APPEND_ATTEMPTS = 10_000
REMEMBERED_ENTRIES = 1000


class AuditCollection(Protocol):
    """The subset of an async PyMongo collection that the audit log uses."""

    @property
    def name(self) -> str: ...

    async def insert_one(self, document: dict[str, Any]) -> Any: ...

    async def find_one(self, filter: dict[str, Any]) -> Any: ...

    async def update_one(self, filter: dict[str, Any], update: dict[str, Any], *, upsert: bool = False) -> Any: ...

    def find(self, filter: dict[str, Any], *, sort: list[tuple[str, int]], limit: int) -> Any: ...


class AuditLog:
    """Append-only, hash-chained audit trail: entries in one collection, the chain's head in another."""

    def __init__(self, collection: AuditCollection, head: AuditCollection, *, bulk: BulkWrites | None = None) -> None:
        self._collection = collection
        self._head_collection = head
        self._bulk = bulk  # the entries and the head in one request, while the store has `bulkWrite`
        self._head: tuple[int, str, str | None] | None = None  # (seq, hash, entry id) last seen
        # One writer task per process appends at a time (other processes lose on `_id`); records wait for it.
        self._waiting: list[tuple[Sequence[AuditEntry], asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None
        # Entries this process appended lately: one whose batch failed after it was appended (the head update,
        # a later entry) is not appended twice when its caller records it again.
        self._appended: dict[str, None] = {}

    async def record(self, entry: AuditEntry) -> None:
        """Append an entry to the chain; recording the entry just recorded again is a no-op."""
        await self.record_many([entry])

    async def record_many(self, entries: Sequence[AuditEntry]) -> None:
        """Append entries in order; returns once the stored head covers them (one head update per batch)."""
        if not entries:
            return
        loop = asyncio.get_running_loop()
        written: asyncio.Future[None] = loop.create_future()
        self._waiting.append((entries, written))
        if self._writer is None or self._writer.done() or self._writer.get_loop() is not loop:
            self._writer = loop.create_task(self._write_waiting())
        # A caller that gives up (cancelled) leaves its entries to the writer: access is audited all the same.
        await written

    async def _write_waiting(self) -> None:
        """Write what waits, batch after batch, until nothing does; each batch moves the head once."""
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                await self._write(batch)
            except Exception as exc:
                _settle(batch, exc)
                continue
            except BaseException:  # the writer itself cancelled (the loop ending): no caller waits forever
                _settle([*batch, *self._waiting], RuntimeError("the audit writer stopped"))
                self._waiting = []
                raise
            _settle(batch, None)

    async def _write(self, batch: Sequence[tuple[Sequence[AuditEntry], asyncio.Future[None]]]) -> None:
        head = self._head or await self._stored_head()
        # In order, once each: an entry recorded again (its caller retrying) is appended once.
        pending = list({e.id: e for entries, _ in batch for e in entries if e.id not in self._appended}.values())
        covered = False
        try:
            if pending and self._bulk is not None and self._bulk.available:
                head, pending, covered = await self._append_with_head(pending, head)
            for entry in pending:
                head = await self._append(entry, head[0], head[1])
                self._remember(entry.id)
        finally:
            self._head = head  # what was appended stays appended, should a later entry fail
        if not covered:
            await self._advance_head(head[0], head[1])

    async def _append_with_head(self, entries: list[AuditEntry], head: tuple[int, str, str | None]
                                ) -> tuple[tuple[int, str, str | None], list[AuditEntry], bool]:
        """Append the entries at the positions after `head`, then move the stored head past them, in one
        request: the new head, the entries left to append one by one (from a position another writer took
        on, or all of them when the answer was lost), and whether the stored head covers the new head."""
        assert self._bulk is not None
        documents, seq, prev_hash = [], head[0], head[1]
        for entry in entries:
            documents.append(chained(entry, seq + 1, prev_hash))
            seq, prev_hash = seq + 1, documents[-1]["hash"]
        writes = [Write("insert", self._collection.name, {"document": document}) for document in documents]
        writes.append(Write("update", self._head_collection.name, {
            "filter": {"_id": HEAD_ID, "seq": {"$lt": seq}}, "updateMods": {"$set": {"seq": seq, "hash": prev_hash}},
            "upsert": True}))
        done = await self._bulk.write(writes)
        if isinstance(done, Outcome):  # nothing known: one by one, where an entry that landed is known as ours
            return head, entries, False
        landed = len(documents) if done.failed is None else min(done.failed, len(documents))
        for entry in entries[:landed]:
            self._remember(entry.id)
        if landed:
            last = documents[landed - 1]
            head = (last["seq"], last["hash"], last["entry_id"])
        if done.failed is None or (done.failed == len(documents) and done.duplicate):
            return head, [], True  # the stored head is this one, or a later writer's
        if done.duplicate or done.transient:
            return head, entries[landed:], False
        assert done.error is not None
        raise done.error

    def _remember(self, entry_id: str) -> None:
        self._appended[entry_id] = None
        if len(self._appended) > REMEMBERED_ENTRIES:
            del self._appended[next(iter(self._appended))]

    async def _append(self, entry: AuditEntry, seq: int, prev_hash: str) -> tuple[int, str, str]:
        """Insert at the first free position after `seq`; the new head."""
        for _ in range(MAX_APPEND_ATTEMPTS):
            document = chained(entry, seq + 1, prev_hash)
            try:
                await self._collection.insert_one(document)
            except DuplicateKeyError:
                winner = await self._collection.find_one({"_id": seq_id(seq + 1)})
                if winner is None:
                    raise  # refused for another reason than the position: never loop on it
                seq, prev_hash = seq + 1, winner["hash"]
                if winner.get("entry_id") == entry.id:  # our own insert, whose acknowledgement was lost
                    return seq, prev_hash, entry.id
                continue
            return seq + 1, document["hash"], entry.id
        raise RuntimeError("the audit chain is being appended to faster than this writer can keep up")

    async def _stored_head(self) -> tuple[int, str, str | None]:
        document = await self._head_collection.find_one({"_id": HEAD_ID})
        if document is None:
            return 0, GENESIS_HASH, None
        return int(document["seq"]), str(document["hash"]), None

    async def _advance_head(self, seq: int, hash_: str) -> None:
        """Move the stored head forward (never back); a writer that lost the race leaves it be."""
        try:
            await self._head_collection.update_one({"_id": HEAD_ID, "seq": {"$lt": seq}},
                                                   {"$set": {"seq": seq, "hash": hash_}}, upsert=True)
        except DuplicateKeyError:
            return  # the head is already at or past this entry

    async def query(self, actor: str | None = None, resource_id: str | None = None,
                    since: datetime | None = None, until: datetime | None = None,
                    limit: int = 100, owner_organisation: str | None = None) -> list[AuditEntry]:
        """Entries matching all given filters, newest first; ``since`` inclusive, ``until`` exclusive."""
        if not 1 <= limit <= MAX_QUERY_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_QUERY_LIMIT}")
        criteria: dict[str, Any] = {}
        for name, value in (("actor", actor), ("resource_id", resource_id),
                            ("owner_organisation", owner_organisation)):
            if value is not None:
                criteria[name] = value
        window = {op: _aware(bound) for op, bound in (("$gte", since), ("$lt", until)) if bound is not None}
        if window:
            criteria["at"] = window
        cursor = self._collection.find(criteria, sort=[("at", -1), ("_id", -1)], limit=limit)
        return [entry_of(document) async for document in cursor]


def _settle(batch: Sequence[tuple[Sequence[AuditEntry], asyncio.Future[None]]], error: BaseException | None) -> None:
    """Tell each caller still waiting how its batch went."""
    for _, written in batch:
        if written.done():  # its caller gave up
            continue
        if error is None:
            written.set_result(None)
        else:
            written.set_exception(error)


def _aware(bound: datetime) -> datetime:
    if bound.tzinfo is None:
        raise ValueError("since/until must be timezone-aware")
    return bound.astimezone(UTC)


