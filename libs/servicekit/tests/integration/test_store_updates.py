"""Updates of many documents: the project's store writes them in transactions of up to 100, and loses none.

The same checks pass on MongoDB; on the patched FerretDB they cross the batch's bounds (100, 200, 250).
"""

from __future__ import annotations

import pytest
from servicekit.eventstore import commit_id
from servicekit.testing import unique_name

pytestmark = pytest.mark.integration
DOCUMENTS = 250  # two full batches and a part


@pytest.fixture
async def db(mongo):
    database = mongo[unique_name("upd")]
    await database.docs.insert_many([{"_id": commit_id(f"agg-{i:04d}", 1), "n": i, "outbox": "pending"}
                                     for i in range(DOCUMENTS)])
    yield database
    await mongo.drop_database(database.name)


async def test_an_update_of_many_documents_modifies_every_one(db):
    ids = [commit_id(f"agg-{i:04d}", 1) for i in range(DOCUMENTS)]
    result = await db.docs.update_many({"_id": {"$in": ids}}, {"$unset": {"outbox": ""}})
    assert (result.matched_count, result.modified_count) == (DOCUMENTS, DOCUMENTS)
    assert await db.docs.count_documents({"outbox": {"$exists": True}}) == 0
    assert sorted([d["n"] async for d in db.docs.find({}, {"n": 1})]) == list(range(DOCUMENTS))


async def test_documents_an_update_leaves_unchanged_are_matched_not_modified(db):
    await db.docs.update_many({"n": {"$lt": 120}}, {"$unset": {"outbox": ""}})  # ends inside the second batch
    result = await db.docs.update_many({}, {"$unset": {"outbox": ""}})
    assert (result.matched_count, result.modified_count) == (DOCUMENTS, DOCUMENTS - 120)
    assert await db.docs.count_documents({"outbox": "pending"}) == 0


async def test_an_update_that_sets_values_keeps_each_documents_own(db):
    result = await db.docs.update_many({"n": {"$gte": 10}}, {"$set": {"outbox": "sent"}, "$inc": {"n": 1000}})
    assert result.modified_count == DOCUMENTS - 10
    stored = {d["_id"]: d async for d in db.docs.find({})}
    assert stored[commit_id("agg-0009", 1)] == {"_id": commit_id("agg-0009", 1), "n": 9, "outbox": "pending"}
    assert stored[commit_id("agg-0249", 1)] == {"_id": commit_id("agg-0249", 1), "n": 1249, "outbox": "sent"}
    assert sum(d["outbox"] == "sent" for d in stored.values()) == DOCUMENTS - 10
