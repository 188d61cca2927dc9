"""Removing one field from documents chosen by `_id` (the relay's unmarking): done inside the local store.

The project's FerretDB build removes the field in SQLite, from the document and from its stored schema,
without decoding each document in Go and writing it back whole. Whatever path it takes, the result must
be MongoDB's: the counts, the documents read back (every other value, its type and the field order),
later reads, filters and writes. Proved on the store: its counter of such updates moves (FerretDB only),
and the same checks pass on MongoDB.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from bson import ObjectId
from servicekit.api import Listing, read_page
from servicekit.testing import store_counter, unique_name

pytestmark = pytest.mark.integration
COUNTER = "ferretdb_handler_redress_unset_in_store"


def commit(i: int) -> dict[str, Any]:
    """A commit-like document with values of several types around the pending mark."""
    return {"_id": f"agg-{i:03d}:0000000001", "version": 1, "ratio": i / 4,
            "at": datetime(2026, 1, 1 + i % 28, tzinfo=UTC),
            "events": [{"id": f"e-{i}", "data": {"region": "mopti", "n": i}}], "outbox": "pending",
            "topic": "casework.cases", "flags": [], "note": None}


@pytest.fixture
async def db(mongo):
    database = mongo[unique_name("unset")]
    await database.docs.insert_many([commit(i) for i in range(40)])
    info = await mongo.admin.command("buildInfo")
    yield database, "ferretdbVersion" in info
    await mongo.drop_database(database.name)


def unset_in_store(database: str) -> float | None:
    """How many field removals the local store did itself in this database's `docs` (0 before the first),
    or None when the store's debug address is not on this machine."""
    return store_counter(COUNTER, collection="docs", db=database)


def without_mark(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "outbox"}


async def test_removing_the_mark_by_ids_keeps_every_other_value_type_and_order(db):
    database, ferretdb = db
    before = unset_in_store(database.name) if ferretdb else None
    ids = [f"agg-{i:03d}:0000000001" for i in range(0, 40, 2)] + ["agg-999:0000000001"]  # one id is no document
    result = await database.docs.update_many({"_id": {"$in": ids}}, {"$unset": {"outbox": ""}})
    assert (result.matched_count, result.modified_count) == (20, 20)
    stored = {d["_id"]: d async for d in database.docs.find({})}
    for i in range(40):
        doc, expected = stored[f"agg-{i:03d}:0000000001"], commit(i)
        assert doc == (without_mark(expected) if i % 2 == 0 else expected)
        assert list(doc) == list(without_mark(expected) if i % 2 == 0 else expected), "the field order is kept"
    assert await database.docs.count_documents({"outbox": "pending"}) == 20
    if ferretdb and before is not None:
        assert unset_in_store(database.name) == before + 1, "the store removed the field itself"


async def test_a_document_without_the_field_is_matched_not_modified(db):
    database, _ = db
    await database.docs.update_one({"_id": "agg-001:0000000001"}, {"$unset": {"outbox": ""}})
    result = await database.docs.update_many({"_id": {"$in": ["agg-001:0000000001", "agg-002:0000000001"]}},
                                             {"$unset": {"outbox": ""}})
    assert (result.matched_count, result.modified_count) == (2, 1)


async def test_a_document_whose_mark_was_removed_can_be_written_and_found_again(db):
    database, _ = db
    await database.docs.update_many({"_id": {"$in": ["agg-003:0000000001"]}}, {"$unset": {"outbox": ""}})
    await database.docs.update_one({"_id": "agg-003:0000000001"}, {"$set": {"outbox": "again", "version": 2}})
    doc = await database.docs.find_one({"outbox": "again"})
    assert doc is not None and doc["version"] == 2 and list(doc)[-1] == "outbox"
    await database.docs.replace_one({"_id": "agg-003:0000000001"}, without_mark(commit(3)))
    assert await database.docs.find_one({"_id": "agg-003:0000000001"}) == without_mark(commit(3))


async def test_an_object_id_with_the_same_text_as_a_string_id_is_not_matched(db):
    database, _ = db
    oid = ObjectId()
    await database.docs.insert_one({"_id": oid, "outbox": "pending"})
    result = await database.docs.update_many({"_id": {"$in": [str(oid)]}}, {"$unset": {"outbox": ""}})
    assert (result.matched_count, result.modified_count) == (0, 0)
    assert (await database.docs.find_one({"_id": oid}))["outbox"] == "pending"


async def test_removing_a_field_of_a_nested_path_or_several_fields_is_still_mongodbs_update(db):
    database, _ = db
    ids = ["agg-004:0000000001", "agg-005:0000000001"]
    nested = await database.docs.update_many({"_id": {"$in": ids}}, {"$unset": {"events.0.data.n": ""}})
    several = await database.docs.update_many({"_id": {"$in": ids}}, {"$unset": {"outbox": "", "note": ""}})
    assert (nested.modified_count, several.modified_count) == (2, 2)
    doc = await database.docs.find_one({"_id": ids[0]})
    assert doc["events"] == [{"id": "e-4", "data": {"region": "mopti"}}] and "outbox" not in doc and "note" not in doc


async def test_a_date_read_back_after_the_removal_is_still_a_date(db):
    database, _ = db
    await database.docs.update_many({"_id": {"$in": ["agg-006:0000000001"]}}, {"$unset": {"outbox": ""}})
    doc = await database.docs.find_one({"at": {"$gte": datetime(2026, 1, 7, tzinfo=UTC)}, "_id": "agg-006:0000000001"})
    assert doc is not None and doc["at"] == datetime(2026, 1, 7, tzinfo=UTC)


async def test_removals_succeed_while_other_clients_insert(db):
    # As the relay unmarks while commands commit: a removal must wait for the write lock like any write
    # (it once read first, and SQLite refused to upgrade that read once another client had written).
    database, _ = db

    async def insert(writer: int) -> None:
        for i in range(150):
            await database.docs.insert_one({"_id": f"w{writer}-{i:03d}", "outbox": "pending"})

    async def unmark() -> None:
        for i in range(150):
            ids = [f"w{w}-{j:03d}" for w in (0, 1) for j in range(max(0, i - 5), i + 1)]
            await database.docs.update_many({"_id": {"$in": ids}}, {"$unset": {"outbox": ""}})

    await asyncio.gather(insert(0), insert(1), unmark())
    await database.docs.update_many({"_id": {"$in": [f"w{w}-{j:03d}" for w in (0, 1) for j in range(150)]}},
                                    {"$unset": {"outbox": ""}})
    assert await database.docs.count_documents({"_id": {"$regex": "^w"}, "outbox": {"$exists": True}}) == 0


async def test_a_list_removed_in_the_store_leaves_the_listings_of_its_elements(mongo):
    # A lawyer's cases walk an elements table kept by triggers (the store's item 8): removing the list in
    # SQLite must take the case out of each lawyer's pages, as any other update of the list does.
    database = mongo[unique_name("unset_list")]
    cases = [{"_id": f"case-{i:02d}", "opened_on": f"2026-01-{1 + i:02d}", "lawyers": ["lawyer-a", f"lawyer-{i % 2}"]}
             for i in range(12)]
    await database.docs.insert_many(cases)
    await database.docs.create_index([("lawyers", 1), ("opened_on", -1), ("_id", -1)])
    newest = Listing("opened_on", descending=True)
    try:
        before, _ = await read_page(database.docs, {"lawyers": "lawyer-a"}, listing=newest, cursor=None, limit=50)
        assert [d["_id"] for d in before] == [f"case-{i:02d}" for i in range(11, -1, -1)]
        result = await database.docs.update_many({"_id": {"$in": ["case-03", "case-07"]}}, {"$unset": {"lawyers": ""}})
        assert result.modified_count == 2
        after, _ = await read_page(database.docs, {"lawyers": "lawyer-a"}, listing=newest, cursor=None, limit=50)
        assert [d["_id"] for d in after] == [f"case-{i:02d}" for i in range(11, -1, -1) if i not in (3, 7)]
        odd, _ = await read_page(database.docs, {"lawyers": "lawyer-1"}, listing=newest, cursor=None, limit=50)
        assert [d["_id"] for d in odd] == [f"case-{i:02d}" for i in range(11, -1, -2) if i not in (3, 7)]
    finally:
        await mongo.drop_database(database.name)
