"""The store's `bulkWrite` (MongoDB 8.0's command; the local store's patch, deploy/local/ferretdb item 10).

Writes to several collections in one request, run in order, each with the guarantee it has alone: a
failed write is undone alone and the ones before it stay. The local store commits the writes of one
database in one transaction when their collections exist and differ (its counter tells), and runs them
one by one otherwise; when a write after the first fails there, it drops that transaction and runs the
writes again, each in a savepoint (another counter tells). Everything here holds on MongoDB 8 too; a
store without the command is skipped.
"""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.errors import OperationFailure
from servicekit.testing import store_counter, unique_name

pytestmark = pytest.mark.integration
COUNTER = "ferretdb_handler_redress_bulk_write_shared"
REDONE = "ferretdb_handler_redress_bulk_write_redone"


def shared_writes(database: str) -> float | None:
    """How many of this database's `bulkWrite`s the local store committed in one transaction."""
    return store_counter(COUNTER, db=database)


def redone_writes(database: str) -> float | None:
    """How many of this database's `bulkWrite`s the local store ran again with savepoints, or None when
    its debug address is not on this machine."""
    return store_counter(REDONE, db=database)


@pytest.fixture
async def db(mongo):
    database = mongo[unique_name("bulk")]
    await database.commits.insert_one({"_id": "seed"})  # the collections exist: one transaction
    await database.states.insert_one({"_id": "seed"})
    try:
        await bulk(mongo, database, [{"insert": 0, "document": {"_id": "probe"}}])
    except OperationFailure as exc:
        if exc.code == 59:
            pytest.skip("this store has no bulkWrite (MongoDB 7)")
        raise
    info = await mongo.admin.command("buildInfo")
    yield database, "ferretdbVersion" in info
    await mongo.drop_database(database.name)


async def bulk(mongo: Any, database: Any, ops: list[dict[str, Any]], *, ordered: bool = True,
               errors_only: bool = True, namespaces: list[str] | None = None) -> dict[str, Any]:
    names = namespaces or [f"{database.name}.commits", f"{database.name}.states"]
    return await mongo.admin.command({"bulkWrite": 1, "ops": ops, "nsInfo": [{"ns": n} for n in names],
                                      "ordered": ordered, "errorsOnly": errors_only})


async def test_a_commit_and_its_projection_land_together_in_one_transaction(mongo, db):
    database, ferretdb = db
    before = shared_writes(database.name) if ferretdb else None
    reply = await bulk(mongo, database, [{"insert": 0, "document": {"_id": "t:1", "v": 1}},
                                         {"insert": 1, "document": {"_id": "t", "_version": 1}}])
    assert (reply["nErrors"], reply["nInserted"], reply["cursor"]["firstBatch"]) == (0, 2, [])
    assert await database.commits.find_one({"_id": "t:1"}) == {"_id": "t:1", "v": 1}
    assert await database.states.find_one({"_id": "t"}) == {"_id": "t", "_version": 1}
    if ferretdb and before is not None:
        assert shared_writes(database.name) == before + 1, "both writes in one transaction"
        assert redone_writes(database.name) == 0, "nothing failed: no savepoint, nothing run twice"


async def test_a_colliding_commit_stops_an_ordered_bulk_write_before_its_projection(mongo, db):
    database, _ = db
    await database.commits.insert_one({"_id": "t:1", "v": "first"})
    reply = await bulk(mongo, database, [{"insert": 0, "document": {"_id": "t:1", "v": "second"}},
                                         {"insert": 1, "document": {"_id": "t", "v": "second"}}])
    [error] = reply["cursor"]["firstBatch"]
    assert (error["ok"], error["idx"], error["code"], reply["nErrors"], reply["nInserted"]) == (0, 0, 11000, 1, 0)
    assert await database.commits.find_one({"_id": "t:1"}) == {"_id": "t:1", "v": "first"}
    assert await database.states.find_one({"_id": "t"}) is None, "the projection was not attempted"


async def test_a_failed_projection_write_leaves_the_commit_before_it(mongo, db):
    database, ferretdb = db
    await database.states.insert_one({"_id": "t", "_version": 3})  # a newer projection is stored
    before = shared_writes(database.name) if ferretdb else None
    reply = await bulk(mongo, database, [
        {"insert": 0, "document": {"_id": "t:2"}},
        {"update": 1, "filter": {"_id": "t", "_version": {"$lt": 2}}, "updateMods": {"_id": "t", "_version": 2},
         "upsert": True},
    ])
    [error] = reply["cursor"]["firstBatch"]
    assert (error["idx"], error["code"], reply["nInserted"]) == (1, 11000, 1)
    assert await database.commits.find_one({"_id": "t:2"}) == {"_id": "t:2"}, "the commit stays"
    assert await database.states.find_one({"_id": "t"}) == {"_id": "t", "_version": 3}
    if ferretdb and before is not None:
        assert shared_writes(database.name) == before + 1
        assert redone_writes(database.name) == 1, "the second write failed: both run again, it in a savepoint"


async def test_an_unordered_bulk_write_keeps_the_writes_around_a_failed_one(mongo, db):
    database, ferretdb = db
    await database.states.insert_one({"_id": "dup"})
    await database.events.insert_one({"_id": "seed"})
    reply = await bulk(mongo, database, [{"insert": 0, "document": {"_id": "before"}},
                                         {"insert": 1, "document": {"_id": "dup", "v": "second"}},
                                         {"insert": 2, "document": {"_id": "after"}}],
                       ordered=False, errors_only=False,
                       namespaces=[f"{database.name}.{c}" for c in ("commits", "states", "events")])
    assert [(r["ok"], r["idx"]) for r in reply["cursor"]["firstBatch"]] == [(1, 0), (0, 1), (1, 2)]
    assert (reply["nErrors"], reply["nInserted"]) == (1, 2)
    assert await database.commits.find_one({"_id": "before"}) == {"_id": "before"}
    assert await database.states.find_one({"_id": "dup"}) == {"_id": "dup"}, "the failed write left nothing"
    assert await database.events.find_one({"_id": "after"}) == {"_id": "after"}
    if ferretdb and redone_writes(database.name) is not None:
        assert redone_writes(database.name) == 1


async def test_a_guarded_replacement_replaces_an_older_projection_and_upserts_a_missing_one(mongo, db):
    database, _ = db
    await database.states.insert_one({"_id": "a", "_version": 1, "label": "old"})
    for projection in ({"_id": "a", "_version": 2, "label": "new"}, {"_id": "b", "_version": 2, "label": "new"}):
        reply = await bulk(mongo, database, [
            {"insert": 0, "document": {"_id": f"{projection['_id']}:2"}},
            {"update": 1, "filter": {"_id": projection["_id"], "_version": {"$lt": 2}}, "updateMods": projection,
             "upsert": True},
        ], errors_only=False)
        assert reply["nErrors"] == 0
    assert await database.states.find({"_id": {"$in": ["a", "b"]}}).sort("_id").to_list() == [
        {"_id": "a", "_version": 2, "label": "new"}, {"_id": "b", "_version": 2, "label": "new"}]
    results = reply["cursor"]["firstBatch"]
    assert [(r["ok"], r["idx"], r["n"]) for r in results] == [(1, 0, 1), (1, 1, 1)]
    assert results[1]["upserted"] == {"_id": "b"} and reply["nUpserted"] == 1


async def test_an_unordered_bulk_write_goes_on_after_a_failure(mongo, db):
    database, _ = db
    await database.commits.insert_one({"_id": "dup"})
    reply = await bulk(mongo, database, [{"insert": 0, "document": {"_id": "dup"}},
                                         {"insert": 1, "document": {"_id": "after"}},
                                         {"delete": 0, "filter": {"_id": "seed"}}], ordered=False, errors_only=False)
    assert [(r["ok"], r["idx"]) for r in reply["cursor"]["firstBatch"]] == [(0, 0), (1, 1), (1, 2)]
    assert (reply["nErrors"], reply["nInserted"], reply["nDeleted"]) == (1, 1, 1)
    assert await database.states.find_one({"_id": "after"}) == {"_id": "after"}
    assert await database.commits.find_one({"_id": "seed"}) is None


async def test_new_collections_and_other_databases_are_written_one_by_one(mongo, db):
    database, ferretdb = db
    other = mongo[unique_name("bulk_other")]
    before = shared_writes(database.name) if ferretdb else None
    reply = await bulk(mongo, database, [{"insert": i, "document": {"_id": name}} for i, name in enumerate("xyz")],
                       namespaces=[f"{database.name}.fresh", f"{other.name}.fresh", f"{database.name}.states"])
    assert reply["nInserted"] == 3
    assert [await c.find_one({}) for c in (database.fresh, other.fresh)] == [{"_id": "x"}, {"_id": "y"}]
    if ferretdb and before is not None:
        assert shared_writes(database.name) == before, "a new collection and another database: no shared transaction"
    await mongo.drop_database(other.name)


@pytest.mark.parametrize(("ops", "code"), [
    ([{"insert": 5, "document": {"_id": "x"}}], 2),  # no such namespace index
    ([{"replace": 0, "document": {"_id": "x"}}], 9),  # no such operation
    ([{"update": 1, "filter": {"_id": "x"}}], 2),  # updateMods missing
])
async def test_a_malformed_operation_is_refused_with_its_code_and_nothing_is_written(mongo, db, ops, code):
    database, ferretdb = db
    if not ferretdb:
        pytest.skip("MongoDB's own codes for malformed operations differ")
    with pytest.raises(OperationFailure) as refused:
        await bulk(mongo, database, [{"insert": 0, "document": {"_id": "before"}}, *ops])
    assert refused.value.code == code
    assert await database.commits.find_one({"_id": "before"}) is None, "refused before any write"
