"""The store answers the kit's `_id` paths from its `_id` index, and its pushed-down filters lose nothing.

Proved by the store's own query plans: SQLite's (EXPLAIN QUERY PLAN, which the project's FerretDB build
returns for find, and for the statements that replace and delete by `_id`), or MongoDB's winning plan.
The plans do not depend on timing; the seeded size only makes a scan and a lookup tell apart.
"""

from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId
from servicekit.eventstore import commit_id
from servicekit.testing import unique_name

pytestmark = pytest.mark.integration
SEEDED = 2_000


@pytest.fixture
async def docs(mongo):
    """A collection of commit-shaped documents (`<aggregate id>:<version>` ids), and whether it is FerretDB."""
    db = mongo[unique_name("idx")]
    await db.docs.insert_many([{"_id": commit_id(f"agg-{i:05d}", 1), "n": i, "organisation": f"org-{i % 4}"}
                               for i in range(SEEDED)])
    info = await mongo.admin.command("buildInfo")
    yield db, "ferretdbVersion" in info
    await mongo.drop_database(db.name)


async def explain(db, command: dict[str, Any]) -> dict[str, Any]:
    return await db.command("explain", command)


def sqlite_scans_a_table(plan: list[str]) -> bool:
    """A line of SQLite's plan reads a whole table (not an index, not the json_each of one row)."""
    return any("detail=SCAN " in line and "INDEX" not in line and "json_each" not in line for line in plan)


def sqlite_uses_id_index(plan: list[str]) -> bool:
    """SQLite searched the `_id_` index (no full scan of the table)."""
    return any("USING INDEX" in line and "__id_" in line for line in plan) and not sqlite_scans_a_table(plan)


def mongodb_uses_id_index(explained: dict[str, Any]) -> bool:
    """MongoDB's winning plan reads the `_id` index (IDHACK, EXPRESS or IXSCAN on `_id`), never a COLLSCAN."""
    stages, plan = [], explained["queryPlanner"]["winningPlan"]
    while plan:
        stages.append(plan)
        plan = plan.get("inputStage") or plan.get("queryPlan")
    names = {s.get("stage") for s in stages}
    if "COLLSCAN" in names:
        return False
    return bool(names & {"IDHACK", "EXPRESS_IXSCAN", "EXPRESS_UPDATE", "EXPRESS_DELETE"}) or any(
        s.get("stage") == "IXSCAN" and s.get("keyPattern") == {"_id": 1} for s in stages)


async def test_find_by_id_reads_the_id_index(docs):
    db, ferretdb = docs
    explained = await explain(db, {"find": "docs", "filter": {"_id": commit_id("agg-01234", 1)}})
    if ferretdb:
        assert explained["filterPushdown"] is True
        assert sqlite_uses_id_index(explained["queryPlanner"]["Plan"]), explained["queryPlanner"]
    else:
        assert mongodb_uses_id_index(explained), explained["queryPlanner"]


async def test_replace_by_id_writes_through_the_id_index(docs):
    db, ferretdb = docs
    target = commit_id("agg-01234", 1)
    if ferretdb:
        # The update handler finds the document with the find plan above, then runs this statement.
        explained = await explain(db, {"find": "docs", "filter": {"_id": target}})
        assert sqlite_uses_id_index(explained["queryPlanner"]["ReplaceByIDPlan"]), explained["queryPlanner"]
    else:
        explained = await explain(db, {"update": "docs", "updates": [{"q": {"_id": target}, "u": {"n": -1}}]})
        assert mongodb_uses_id_index(explained), explained["queryPlanner"]


async def test_delete_by_id_writes_through_the_id_index(docs):
    db, ferretdb = docs
    target = commit_id("agg-01234", 1)
    if ferretdb:
        explained = await explain(db, {"find": "docs", "filter": {"_id": target}})
        assert sqlite_uses_id_index(explained["queryPlanner"]["DeleteByIDPlan"]), explained["queryPlanner"]
    else:
        explained = await explain(db, {"delete": "docs", "deletes": [{"q": {"_id": target}, "limit": 1}]})
        assert mongodb_uses_id_index(explained), explained["queryPlanner"]


async def test_ids_in_a_list_read_the_id_index(docs):
    """The relay deletes what the broker acknowledged by `_id` $in."""
    db, ferretdb = docs
    wanted = [commit_id(f"agg-{i:05d}", 1) for i in (7, 700, 1400)]
    explained = await explain(db, {"find": "docs", "filter": {"_id": {"$in": wanted}}})
    if ferretdb:
        assert sqlite_uses_id_index(explained["queryPlanner"]["Plan"]), explained["queryPlanner"]
    else:
        assert mongodb_uses_id_index(explained), explained["queryPlanner"]
    assert sorted([d["_id"] async for d in db.docs.find({"_id": {"$in": wanted}})]) == sorted(wanted)


async def test_a_filtered_page_sorted_by_id_walks_the_id_index(docs):
    """Intake's listing shape without an index on its filter: `_id` after a cursor, sorted by `_id`, limited."""
    db, ferretdb = docs
    query = {"organisation": "org-1", "_id": {"$gt": commit_id("agg-01000", 1)}}
    explained = await explain(db, {"find": "docs", "filter": query, "sort": {"_id": 1}, "limit": 5})
    if ferretdb:
        plan = explained["queryPlanner"]["Plan"]
        assert explained["sortPushdown"] is True and explained["filterPushdown"] is True
        assert sqlite_uses_id_index(plan) and not any("TEMP B-TREE" in line for line in plan), plan
    else:
        assert mongodb_uses_id_index(explained), explained["queryPlanner"]
    page = [d["n"] async for d in db.docs.find(query).sort("_id", 1).limit(5)]
    assert page == [1001, 1005, 1009, 1013, 1017]


async def test_an_id_that_breaks_the_index_order_still_sorts_like_mongodb(docs):
    """A space sorts before the JSON closing quote: from then on the store sorts such pages in memory."""
    db, ferretdb = docs
    await db.docs.insert_many([{"_id": "agg-01000", "n": -1}, {"_id": "agg-01000 b", "n": -2}])
    explained = await explain(db, {"find": "docs", "filter": {}, "sort": {"_id": 1}})
    if ferretdb:
        assert explained["sortPushdown"] is False
    page = [d["_id"] async for d in db.docs.find({"_id": {"$gte": "agg-01"}}).sort("_id", 1).limit(3)]
    assert page == ["agg-01000", "agg-01000 b", commit_id("agg-01000", 1)]


async def test_equality_on_an_indexed_field_reads_that_index(docs):
    """With an index declared on a field, equality and $in on it are looked up, arrays included."""
    db, ferretdb = docs
    await db.docs.insert_one({"_id": "tagged", "n": -1, "organisation": ["org-9", "org-1"]})
    await db.docs.create_index("organisation")
    query = {"organisation": {"$in": ["org-9", "org-8"]}}
    explained = await explain(db, {"find": "docs", "filter": query})
    if ferretdb:
        plan = explained["queryPlanner"]["Plan"]
        assert any("USING INDEX" in line and "organisation" in line for line in plan), plan
        assert not sqlite_scans_a_table(plan), plan
    else:
        stages = str(explained["queryPlanner"]["winningPlan"])
        assert "IXSCAN" in stages and "COLLSCAN" not in stages, stages
    assert [d["_id"] async for d in db.docs.find(query)] == ["tagged"]


@pytest.fixture
async def dated(mongo):
    """Referral-like documents: an ISO date string to sort on, one without it, one null, two numbers."""
    db = mongo[unique_name("srt")]
    docs = [{"_id": f"r-{i:04d}", "status": ("pending", "accepted")[i % 2],
             "referred_at": f"2025-{i % 12 + 1:02d}-{i % 28 + 1:02d}T09:{i % 60:02d}:00+00:00"} for i in range(400)]
    del docs[10]["referred_at"]
    docs[12]["referred_at"] = None
    docs[14]["referred_at"] = 7
    docs[16]["referred_at"] = 2.5
    await db.docs.insert_many(docs)
    info = await mongo.admin.command("buildInfo")
    yield db, docs, "ferretdbVersion" in info
    await mongo.drop_database(db.name)


def mongodb_sort_key(doc: dict[str, Any]) -> tuple[int, Any]:
    """MongoDB's order for these values: null and missing, then numbers, then strings."""
    value = doc.get("referred_at")
    return (0, 0) if value is None else (1, value) if isinstance(value, int | float) else (2, value)


@pytest.mark.parametrize("direction", [1, -1])
async def test_a_page_sorted_on_another_field_comes_in_mongodb_order(dated, direction):
    """Casework's inbox shape: equality filter, sorted on a date string, limited."""
    db, docs, ferretdb = dated
    expected = sorted((d for d in docs if d["status"] == "pending"), key=mongodb_sort_key, reverse=direction < 0)
    page = [d async for d in db.docs.find({"status": "pending"}).sort("referred_at", direction).limit(30)]
    assert [mongodb_sort_key(d) for d in page] == [mongodb_sort_key(d) for d in expected[:30]]
    if ferretdb:
        explained = await explain(db, {"find": "docs", "filter": {"status": "pending"},
                                       "sort": {"referred_at": direction}, "limit": 30})
        assert explained["sortPushdown"] is True, explained["queryPlanner"]


async def test_a_sort_field_holding_other_types_still_sorts_like_mongodb(dated):
    """An ObjectId and an array in the sort field: the store falls back to sorting in memory, correctly."""
    db, _, _ = dated
    await db.docs.insert_many([{"_id": "z-oid", "status": "pending", "referred_at": ObjectId()},
                               {"_id": "z-arr", "status": "pending", "referred_at": ["2030-01-01", "1990-01-01"]}])
    newest = [d["_id"] async for d in db.docs.find({"status": "pending"}).sort("referred_at", -1).limit(2)]
    assert newest == ["z-oid", "z-arr"]
    oldest = [d["_id"] async for d in db.docs.find({"status": "pending"}).sort("referred_at", 1).limit(5)]
    assert set(oldest[:2]) == {"r-0010", "r-0012"} and oldest[2:] == ["r-0016", "r-0014", "z-arr"]  # missing ties null


MIXED = [
    {"_id": "a", "org": "x", "tags": ["k", "m"], "when": "2024-02-01", "level": "public"},
    {"_id": "b", "org": "y", "tags": "k", "when": "2023-12-31", "level": "confidential"},
    {"_id": "c", "org": ["x", "y"], "when": ["2022-01-01", "2025-01-01"]},
    {"_id": "d", "org": None, "tags": [], "level": 5},
    {"_id": "e", "org": ObjectId("78" * 12), "level": "restricted"},
    {"_id": "f", "org": "x y", "tags": [{"k": "k"}], "when": 20240201},
    {"_id": "g"},
    {"_id": "h", "org": {"name": "x"}, "level": "restricted"},
    {"_id": "i", "org": "X", "tags": ["m", "k"], "when": "2024-02-01T10:00:00+00:00"},
]
FILTERS = {
    "equality": ({"org": "x"}, {"a", "c"}),
    "equality on an array field": ({"tags": "k"}, {"a", "b", "i"}),
    "$in": ({"tags": {"$in": ["m", "z"]}}, {"a", "i"}),
    "$in of strings": ({"org": {"$in": ["X", "x y"]}}, {"f", "i"}),
    "$ne": ({"level": {"$ne": "confidential"}}, {"a", "c", "d", "e", "f", "g", "h", "i"}),
    "$ne is not fooled by an ObjectId's hex": ({"org": {"$ne": "78" * 12}}, {"a", "b", "c", "d", "e", "f", "g",
                                                                           "h", "i"}),
    "equality is not fooled by an ObjectId's hex": ({"org": "78" * 12}, set()),
    "string range, arrays included": ({"when": {"$gte": "2024-01-01", "$lt": "2025-06-01"}}, {"a", "c", "i"}),
    "$or": ({"$or": [{"org": "y"}, {"tags": "m"}]}, {"a", "b", "c", "i"}),
    "equality and $ne": ({"org": "x", "level": {"$ne": "public"}}, {"c"}),
    "_id $in": ({"_id": {"$in": ["a", "c", "zz"]}}, {"a", "c"}),
    "_id range": ({"_id": {"$gt": "c", "$lte": "f"}}, {"d", "e", "f"}),
}


@pytest.fixture
async def mixed(mongo):
    """Documents whose fields are strings, arrays, objects, ObjectIds, numbers, null or missing."""
    db = mongo[unique_name("flt")]
    await db.docs.insert_many([dict(d) for d in MIXED])
    info = await mongo.admin.command("buildInfo")
    yield db, "ferretdbVersion" in info
    await mongo.drop_database(db.name)


@pytest.mark.parametrize("name", sorted(FILTERS))
async def test_filters_select_what_mongodb_selects(mixed, name):
    """Exactly the documents MongoDB's semantics select: array elements, type brackets, missing fields."""
    db, _ = mixed
    query, expected = FILTERS[name]
    assert {d["_id"] async for d in db.docs.find(query)} == expected


@pytest.mark.parametrize("name", sorted(FILTERS))
async def test_filters_of_the_listings_are_pushed_down_to_sqlite(mixed, name):
    """The project's FerretDB build evaluates these filters in SQLite, not document by document in Go."""
    db, ferretdb = mixed
    if not ferretdb:
        pytest.skip("MongoDB plans its own filters (see docs/performance.md for its index use)")
    explained = await explain(db, {"find": "docs", "filter": FILTERS[name][0]})
    assert explained["filterPushdown"] is True, explained["queryPlanner"]
