"""Event store on MongoDB or FerretDB 1.x: outbox first, commit by `_id`, projection last.

The only atomic operation FerretDB guarantees is refusing a duplicate `_id`, so:
1. load the projection (`_id` = aggregate id) and probe `events` for newer versions (repair);
2. decide (domain code; rule violations raise before anything is written);
3. insert the events into `outbox` (pending);
4. insert one commit document `events/<aggregate id>:<version>`: the commit point and the
   optimistic-concurrency guard; a loser deletes its outbox entries and retries;
5. replace the projection (a stale one is repaired by step 1 on the next load).
The relay publishes outbox entries whose commit exists (see relay.py).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from .domain import AggregateType, DomainEvent, S
from .envelope import Envelope, utcnow
from .errors import ConcurrencyConflict, DomainError
from .ids import derived_id, new_id
from .telemetry import current_traceparent
from .transient import retry_transient, worth_retrying_now

GENESIS_HASH = "0" * 64
VERSION_WIDTH = 10


def commit_id(aggregate_id: str, version: int) -> str:
    """`_id` of a commit document; zero-padded so ids sort by version."""
    return f"{aggregate_id}:{version:0{VERSION_WIDTH}d}"


def canonical_hash(document: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of a commit (without its own hash)."""
    body = {k: v for k, v in document.items() if k != "hash"}
    raw = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class CommandContext:
    """Who asked and why: stored with the commit and carried in the event headers."""

    actor: str
    correlation_id: str = field(default_factory=new_id)
    causation_id: str | None = None
    traceparent: str | None = None


@dataclass(frozen=True)
class Loaded(Generic[S]):
    """An aggregate's current state as read from the store."""

    state: S | None
    version: int
    last_hash: str
    keys: tuple[str, ...]


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
    """Append-only, hash-chained event history with a transactional outbox."""

    def __init__(
        self,
        db: AsyncDatabase[Any],
        *,
        source: str,
        abort_grace_seconds: float = 60.0,
        max_attempts: int = 25,
        topic_namespace: str = "",
        fault_hook: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self.db = db
        self.source = source
        self.events = db["events"]
        self.outbox = db["outbox"]
        self.verdicts = db["outbox_verdicts"]
        self.abort_grace_seconds = abort_grace_seconds
        self.max_attempts = max_attempts
        self.topic_namespace = topic_namespace
        # Fault-injection point for tests that kill a writer between steps; None in production.
        self.fault_hook = fault_hook

    async def load(self, agg: AggregateType[S], aggregate_id: str, *, probe: bool = True) -> Loaded[S]:
        """Projection plus any newer commits (a writer may have died before updating it).

        `probe=False` trusts the projection: a command may do that on its first attempt, because
        a stale projection makes its commit collide on `_id` and the retry probes.
        """
        doc = await retry_transient(lambda: self.db[agg.collection].find_one({"_id": aggregate_id}))
        state = agg.state_type.model_validate(_strip(doc)) if doc else None
        version = int(doc["_version"]) if doc else 0
        last_hash = doc["_hash"] if doc else GENESIS_HASH
        keys = list(doc.get("_keys", [])) if doc else []
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
    ) -> Committed[S]:
        """Run one command: load, decide, append atomically, retrying on concurrent writers."""
        for attempt in range(self.max_attempts):
            probed = attempt > 0
            loaded = await self.load(agg, aggregate_id, probe=probed)
            if idempotency_key and idempotency_key in loaded.keys:
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
        commit = self._commit_document(
            agg, aggregate_id, version, events, ids, loaded.last_hash, context, idempotency_key
        )
        outbox_docs = self._outbox_documents(agg, commit, events, ids, context)
        started = time.monotonic()
        if not await self._insert_outbox(outbox_docs):
            # Another writer runs the same idempotent command (same derived event ids) and got here
            # first. Its entries are not ours to delete: lose the race, reload, and find its commit.
            return None
        await self._fault("after_outbox")
        if not await self._insert_commit(commit):
            await retry_transient(lambda: self.outbox.delete_many({"_id": {"$in": [d["_id"] for d in outbox_docs]}}))
            return None
        await self._fault("after_commit")
        if time.monotonic() - started > self.abort_grace_seconds / 2:
            await self._claim_outbox(outbox_docs)
        await self._save_projection(agg, aggregate_id, state, commit, loaded.keys)
        return Committed(aggregate_id, version, state, events, ids)

    async def _find_commit(self, _id: str, projection: dict[str, int] | None = None) -> dict[str, Any] | None:
        return await retry_transient(lambda: self.events.find_one({"_id": _id}, projection))

    async def _insert_outbox(self, docs: list[dict[str, Any]]) -> bool:
        """Queue the events; False when another writer of the same command queued them first.

        A quick transient failure is retried entry by entry, and a duplicate met on that retry is our
        own earlier insert that landed before the connection dropped.
        """
        try:
            await self.outbox.insert_many(docs, ordered=True)
            return True
        except (DuplicateKeyError, BulkWriteError) as exc:
            if not _is_duplicate_key(exc):
                raise
            return False
        except Exception as exc:
            if not worth_retrying_now(exc):
                raise
        for doc in docs:
            try:
                await retry_transient(lambda doc=doc: self.outbox.insert_one(doc))  # type: ignore[misc]
            except DuplicateKeyError:
                pass
        return True

    async def _insert_commit(self, commit: dict[str, Any]) -> bool:
        """Append the commit; False when another writer took this version.

        After a quick transient failure the insert is retried; a duplicate then may be our own commit
        that landed before the connection dropped: it is ours when it holds our event ids (fresh ids, or
        ids derived from the same idempotent command, whose other writer committed the same events).
        """
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

    def _commit_document(
        self,
        agg: AggregateType[S],
        aggregate_id: str,
        version: int,
        events: list[DomainEvent],
        ids: list[str],
        prev_hash: str,
        context: CommandContext,
        idempotency_key: str | None,
    ) -> dict[str, Any]:
        now = utcnow().isoformat()
        commit: dict[str, Any] = {
            "_id": commit_id(aggregate_id, version),
            "aggregate_id": aggregate_id,
            "aggregate_type": agg.name,
            "version": version,
            "events": [
                {"id": i, "type": e.event_type, "classification": e.classification, "data": e.model_dump(mode="json")}
                for i, e in zip(ids, events, strict=True)
            ],
            "actor": context.actor,
            "correlation_id": context.correlation_id,
            "causation_id": context.causation_id,
            "idempotency_key": idempotency_key,
            "traceparent": context.traceparent or current_traceparent(),
            "committed_at": now,
            "prev_hash": prev_hash,
        }
        commit["hash"] = canonical_hash(commit)
        return commit

    def _outbox_documents(
        self,
        agg: AggregateType[S],
        commit: dict[str, Any],
        events: list[DomainEvent],
        ids: list[str],
        context: CommandContext,
    ) -> list[dict[str, Any]]:
        docs = []
        for seq, stored in enumerate(commit["events"]):
            env = Envelope(
                id=stored["id"],
                source=self.source,
                type=stored["type"],
                subject=commit["aggregate_id"],
                time=utcnow(),
                data=stored["data"],
                classification=stored["classification"],
                correlation_id=context.correlation_id,
                causation_id=context.causation_id,
                traceparent=commit["traceparent"],
            )
            docs.append(
                {
                    "_id": stored["id"],
                    "event_id": stored["id"],
                    "commit_id": commit["_id"],
                    "aggregate_id": commit["aggregate_id"],
                    "version": commit["version"],
                    "seq": seq,
                    "topic": self.topic_namespace + agg.topic,
                    "headers": {k: v.decode() for k, v in env.headers()},
                    "value": env.value().decode(),
                    "created_at": time.time(),
                }
            )
        return docs

    async def _claim_outbox(self, outbox_docs: list[dict[str, Any]]) -> None:
        """A slow writer tells the relay 'committed'; if the relay already judged it aborted, re-queue."""
        for doc in outbox_docs:
            try:
                await self.verdicts.insert_one({"_id": doc["event_id"], "verdict": "committed"})
            except DuplicateKeyError:
                requeued = {**doc, "_id": f"{doc['event_id']}:requeued", "created_at": time.time()}
                try:
                    await self.outbox.insert_one(requeued)
                except DuplicateKeyError:
                    pass

    async def _save_projection(self, agg: AggregateType[S], aggregate_id: str, state: S | None,
                               commit: dict[str, Any], keys: tuple[str, ...]) -> None:
        """Replace the projection by `_id` alone (the one update FerretDB plans as an index lookup)."""
        if state is None:
            return
        await self._replace_projection(agg, aggregate_id, state, commit["version"], commit["hash"],
                                       [*keys, commit["idempotency_key"]] if commit["idempotency_key"] else list(keys))
        # A concurrent writer of the next version may have saved before us; if so, our replace put
        # the projection back in time. Its commit is visible by now, so repair from the history.
        if await self._find_commit(commit_id(aggregate_id, commit["version"] + 1), {"_id": 1}):
            latest = await self.load(agg, aggregate_id)
            if latest.state is not None:
                await self._replace_projection(agg, aggregate_id, latest.state, latest.version, latest.last_hash,
                                               list(latest.keys))

    async def _replace_projection(self, agg: AggregateType[S], aggregate_id: str, state: S, version: int,
                                  last_hash: str, keys: list[str]) -> None:
        doc = state.model_dump(mode="json")
        doc.update({"_id": aggregate_id, "_version": version, "_hash": last_hash, "_keys": keys})
        await retry_transient(lambda: self.db[agg.collection].replace_one({"_id": aggregate_id}, doc, upsert=True))

    async def history(self, aggregate_id: str) -> list[dict[str, Any]]:
        """Every commit of one aggregate, in version order (the audit history)."""
        commits = []
        version = 1
        while commit := await self.events.find_one({"_id": commit_id(aggregate_id, version)}):
            commits.append(commit)
            version += 1
        return commits


def _is_duplicate_key(exc: Exception) -> bool:
    if isinstance(exc, DuplicateKeyError):
        return True
    errors = getattr(exc, "details", {}).get("writeErrors", [])
    return bool(errors) and all(e.get("code") == 11000 for e in errors)


def _strip(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if not k.startswith("_")} | {"id": doc["_id"]}
