"""A commit and its projection in one store round trip, where the store runs MongoDB 8.0's `bulkWrite`.

`bulkWrite` (MongoDB 8.0, and the local store's patch: deploy/local/ferretdb, item 10) takes writes to
several collections in one request and runs them in order: the commit's insert, then the projection's
write, which an ordered `bulkWrite` does not attempt once the commit collided. Each write keeps its own
guarantee and nothing more, exactly as in two requests: a store that stops between the two leaves the
projection behind, which the next command repairs, as when a writer dies between two requests.

A store without it (MongoDB 7) answers "no such command" having written nothing; the kit then writes in
two requests for the life of the process. An answer lost on the way back (a dropped connection) leaves
the commit unknown: the caller reads it back as after any lost insert (eventstore.py).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from .projections import ProjectionWrite
from .transient import worth_retrying_now

log = logging.getLogger("servicekit.bulk_writes")

# CommandNotFound (MongoDB 7, FerretDB's release), CommandNotSupported.
_NO_SUCH_COMMAND = frozenset({59, 115})
_DUPLICATE_KEY = 11000


class Outcome(enum.Enum):
    """What one `bulkWrite` of a commit and its projection did."""

    SAVED = "the commit and its projection (or a newer projection was there)"
    COLLIDED = "another writer had taken this version: nothing written"
    PROJECTION_LEFT = "the commit landed, its projection's write failed for a while: write it again"
    UNKNOWN = "the answer was lost: the commit may have landed"
    UNSUPPORTED = "the store has no bulkWrite: nothing written"


class BulkWrites:
    """Sends `bulkWrite` to the store of `db` while the store has it (`available`)."""

    def __init__(self, db: AsyncDatabase[Any], *, enabled: bool = True) -> None:
        self.db = db
        self.admin = db.client.admin  # MongoDB runs `bulkWrite` on the admin database only
        self.available = enabled

    async def commit_and_project(self, commit: dict[str, Any], collection: str,
                                 projection: ProjectionWrite | None) -> Outcome:
        """Insert the commit into `events`, then write the projection (if any) into `collection`."""
        namespaces = [{"ns": f"{self.db.name}.events"}]
        ops: list[dict[str, Any]] = [{"insert": 0, "document": commit}]
        if projection is not None:
            namespaces.append({"ns": f"{self.db.name}.{collection}"})
            ops.append({"insert": 1, "document": projection.document} if projection.guard is None else
                       {"update": 1, "filter": projection.guard, "updateMods": projection.document, "upsert": True})
        try:
            reply = await self.admin.command(
                {"bulkWrite": 1, "ops": ops, "nsInfo": namespaces, "ordered": True, "errorsOnly": True})
        except OperationFailure as exc:
            if exc.code in _NO_SUCH_COMMAND:
                self.available = False
                log.info("the store has no bulkWrite: a commit and its projection take two requests")
                return Outcome.UNSUPPORTED
            if worth_retrying_now(exc):
                return Outcome.UNKNOWN
            raise
        except Exception as exc:
            if worth_retrying_now(exc):
                return Outcome.UNKNOWN
            raise
        return _outcome(reply["cursor"]["firstBatch"])


def _outcome(results: list[Mapping[str, Any]]) -> Outcome:
    """The outcome told by an ordered `bulkWrite`'s results (with `errorsOnly`, only the failed write)."""
    for result in results:
        if result.get("ok"):
            continue
        code = result.get("code")
        failure = OperationFailure(str(result.get("errmsg", "bulkWrite failed")), code, dict(result))
        if result["idx"] == 0:
            if code == _DUPLICATE_KEY:
                return Outcome.COLLIDED
            if worth_retrying_now(failure):
                return Outcome.UNKNOWN  # not written; the caller's read-back finds that out, then inserts it
            raise failure
        if code == _DUPLICATE_KEY:
            return Outcome.SAVED  # a newer projection is stored
        if worth_retrying_now(failure):
            return Outcome.PROJECTION_LEFT
        raise failure
    return Outcome.SAVED
