"""What the kit makes of a `bulkWrite`'s answer: the ordered results, and a store without the command."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.errors import OperationFailure
from servicekit.bulk_writes import BulkWrites, Outcome, commit_outcome, written
from servicekit.projections import ProjectionWrite


def failed(idx: int, code: int, errmsg: str = "failed") -> dict[str, Any]:
    return {"ok": 0.0, "idx": idx, "code": code, "errmsg": errmsg}


def _outcome(results: list[dict[str, Any]]) -> Outcome:
    return commit_outcome(written(results))


def test_the_first_failed_write_is_told_with_its_index_and_code():
    assert written([]).failed is None
    done = written([{"ok": 1.0, "idx": 0, "n": 1}, failed(1, 11000, "E11000 duplicate key")])
    assert (done.failed, done.duplicate, done.transient) == (1, True, False)
    assert done.error is not None and done.error.code == 11000


def test_no_failed_write_means_the_commit_and_its_projection_are_saved():
    assert _outcome([]) is Outcome.SAVED
    assert _outcome([{"ok": 1.0, "idx": 0, "n": 1}, {"ok": 1.0, "idx": 1, "n": 1}]) is Outcome.SAVED


def test_a_duplicate_commit_is_a_collision_and_a_duplicate_projection_a_newer_one():
    assert _outcome([failed(0, 11000)]) is Outcome.COLLIDED
    assert _outcome([failed(1, 11000)]) is Outcome.SAVED


def test_a_transient_failure_tells_which_write_to_do_again():
    assert _outcome([failed(0, 91)]) is Outcome.UNKNOWN  # ShutdownInProgress before the commit: read it back
    assert _outcome([failed(1, 91)]) is Outcome.PROJECTION_LEFT
    assert _outcome([failed(1, 1, "SQLITE_BUSY: database is locked")]) is Outcome.PROJECTION_LEFT


def test_any_other_failure_is_raised_with_its_code():
    with pytest.raises(OperationFailure) as refused:
        _outcome([failed(0, 2, "bad value")])
    assert refused.value.code == 2
    with pytest.raises(OperationFailure):
        _outcome([failed(1, 2)])


class Admin:
    """An admin database's `command` answering as a given store would."""

    def __init__(self, failure: OperationFailure) -> None:
        self.failure, self.sent = failure, 0

    async def command(self, command: dict[str, Any]) -> dict[str, Any]:
        self.sent += 1
        raise self.failure


class Client:
    def __init__(self, admin: Admin) -> None:
        self.admin = admin


class Database:
    name = "kit"

    def __init__(self, admin: Admin) -> None:
        self.client = Client(admin)


async def test_a_store_without_bulk_write_is_asked_once_then_written_in_two_requests():
    admin = Admin(OperationFailure("no such command: 'bulkWrite'", 59))
    bulk = BulkWrites(Database(admin))  # type: ignore[arg-type]
    projection = ProjectionWrite({"_id": "t-1", "_version": 1}, None)
    assert await bulk.commit_and_project({"_id": "t-1:0000000001"}, "tallies", projection) is Outcome.UNSUPPORTED
    assert not bulk.available and admin.sent == 1


async def test_a_store_that_refuses_bulk_write_to_the_user_gets_two_requests_too():
    admin = Admin(OperationFailure("not authorized on admin to execute command", 13))
    bulk = BulkWrites(Database(admin))  # type: ignore[arg-type]
    assert await bulk.commit_and_project({"_id": "t-1:0000000001"}, "tallies", None) is Outcome.UNSUPPORTED
    assert not bulk.available


async def test_a_bulk_write_refused_for_its_content_is_raised_not_taken_for_a_missing_command():
    admin = Admin(OperationFailure("bad value", 2))
    bulk = BulkWrites(Database(admin))  # type: ignore[arg-type]
    with pytest.raises(OperationFailure):
        await bulk.commit_and_project({"_id": "t-1:0000000001"}, "tallies", None)
    assert bulk.available
