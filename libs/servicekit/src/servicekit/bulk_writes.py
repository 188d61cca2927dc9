"""Writes that must follow one another, in one store round trip, where the store runs MongoDB 8.0's `bulkWrite`.

`bulkWrite` (MongoDB 8.0, and the local store's patch: deploy/local/ferretdb, item 10) takes writes to
several collections in one request and runs them in order, stopping at the first that fails. Each write
keeps its own guarantee and nothing more, exactly as in separate requests: a store that stops between
two leaves the later one undone, as when a writer dies between two requests. The kit sends a commit
then its projection (eventstore.py), and an audit entry then the chain's head (audit.py).

A store without it (MongoDB 7), or one that refuses it to the service's user, answers having written
nothing; the kit then uses separate requests for the life of the process. An answer lost on the way
back (a dropped connection) leaves the writes unknown: each caller finds out as after any lost insert
of its own.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from .projections import ProjectionWrite
from .transient import worth_retrying_now

log = logging.getLogger("servicekit.bulk_writes")

# CommandNotFound (MongoDB 7, FerretDB's release), CommandNotSupported; Unauthorized, for a MongoDB 8 user
# whose role grants the writes but not this command: each refuses before writing anything.
_NO_SUCH_COMMAND = frozenset({59, 115})
_NOT_ALLOWED = 13
DUPLICATE_KEY = 11000


class Outcome(enum.Enum):
    """What a `bulkWrite` did, as its callers act on it: UNKNOWN and UNSUPPORTED for any writes (`write`),
    the others for a commit and its projection (`commit_and_project`)."""

    SAVED = "the commit and its projection (or a newer projection was there)"
    COLLIDED = "another writer had taken this version: nothing written"
    PROJECTION_LEFT = "the commit landed, its projection's write failed for a while: write it again"
    UNKNOWN = "the answer was lost: the writes may have landed"
    UNSUPPORTED = "the store has no bulkWrite: nothing written"


@dataclass(frozen=True)
class Write:
    """One write of a `bulkWrite`: `insert`, `update` or `delete`, its collection and its fields
    (`document`; `filter`, `updateMods`, `upsert`; `filter`)."""

    kind: str
    collection: str
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class Written:
    """What an ordered `bulkWrite` did: every write (`failed` None), or the writes before `failed`, which
    the store refused with `error`."""

    failed: int | None = None
    error: OperationFailure | None = None

    @property
    def duplicate(self) -> bool:
        return self.error is not None and self.error.code == DUPLICATE_KEY

    @property
    def transient(self) -> bool:
        return self.error is not None and worth_retrying_now(self.error)


class BulkWrites:
    """Sends `bulkWrite` to the store of `db` while the store has it (`available`)."""

    def __init__(self, db: AsyncDatabase[Any], *, enabled: bool = True) -> None:
        self.db = db
        self.admin = db.client.admin  # MongoDB runs `bulkWrite` on the admin database only
        self.available = enabled

    async def write(self, writes: Sequence[Write]) -> Written | Outcome:
        """Run the writes in order, in one request: what they did, or UNSUPPORTED (nothing written, use
        separate requests) or UNKNOWN (a transient failure: any of them may have landed)."""
        namespaces: dict[str, int] = {}
        ops = [{w.kind: namespaces.setdefault(w.collection, len(namespaces)), **w.fields} for w in writes]
        try:
            reply = await self.admin.command(
                {"bulkWrite": 1, "ops": ops, "nsInfo": [{"ns": f"{self.db.name}.{c}"} for c in namespaces],
                 "ordered": True, "errorsOnly": True})
        except OperationFailure as exc:
            if exc.code in _NO_SUCH_COMMAND or exc.code == _NOT_ALLOWED:
                self.available = False
                if exc.code == _NOT_ALLOWED:
                    log.warning("the store refused bulkWrite to this user: writes that follow one another take "
                                "a request each (grant it to spare a round trip per command)")
                else:
                    log.info("the store has no bulkWrite: writes that follow one another take a request each")
                return Outcome.UNSUPPORTED
            if worth_retrying_now(exc):
                return Outcome.UNKNOWN
            raise
        except Exception as exc:
            if worth_retrying_now(exc):
                return Outcome.UNKNOWN
            raise
        return written(reply["cursor"]["firstBatch"])

    async def commit_and_project(self, commit: dict[str, Any], collection: str,
                                 projection: ProjectionWrite | None) -> Outcome:
        """Insert the commit into `events`, then write the projection (if any) into `collection`."""
        writes = [Write("insert", "events", {"document": commit})]
        if projection is not None:
            writes.append(Write("insert", collection, {"document": projection.document}) if projection.guard is None
                          else Write("update", collection, {"filter": projection.guard,
                                                            "updateMods": projection.document, "upsert": True}))
        done = await self.write(writes)
        return done if isinstance(done, Outcome) else commit_outcome(done)


def written(results: Sequence[Mapping[str, Any]]) -> Written:
    """What an ordered `bulkWrite`'s results tell (with `errorsOnly`, only the write that failed)."""
    for result in results:
        if not result.get("ok"):
            error = OperationFailure(str(result.get("errmsg", "bulkWrite failed")), result.get("code"), dict(result))
            return Written(failed=int(result["idx"]), error=error)
    return Written()


def commit_outcome(done: Written) -> Outcome:
    """The outcome of a commit (write 0) and its projection (write 1)."""
    if done.failed is None or done.error is None:
        return Outcome.SAVED
    if done.failed == 0:
        if done.duplicate:
            return Outcome.COLLIDED
        if done.transient:
            return Outcome.UNKNOWN  # not written; the caller's read-back finds that out, then inserts it
        raise done.error
    if done.duplicate:
        return Outcome.SAVED  # a newer projection is stored
    if done.transient:
        return Outcome.PROJECTION_LEFT
    raise done.error
