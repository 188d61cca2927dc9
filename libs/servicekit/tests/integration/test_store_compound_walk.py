"""A page sorted by `_id` whose filter fixes the leading keys of an index ending in `_id` reads that index.

Intake's listing shape: equalities on `organisation` (and `region`...), an optional `_id` range from the
cursor, sorted by `_id`, limited. MongoDB serves it from the compound index `{organisation, region, _id}`;
the project's FerretDB build searches the same index in SQLite (`SEARCH ... USING INDEX`), so it reads only
the rows that have those values instead of walking `_id_` and testing every row. Proved by the stores' own
plans, and the pages are checked against MongoDB's semantics (arrays, missing fields, other types).
"""

from __future__ import annotations

from typing import Any

import pytest
from servicekit.testing import unique_name

pytestmark = pytest.mark.integration
SEEDED = 2_000
COMPOUND = "organisation_1_region_1__id_1"


def incident(i: int) -> dict[str, Any]:
    """A small incident-like document; every 97th has no region and every 89th a null one."""
    doc: dict[str, Any] = {"_id": f"inc-{i:05d}", "organisation": f"org-{i % 4}", "region": f"r{i % 10}",
                           "level": ("public", "confidential")[i % 7 == 0]}
    if i % 97 == 0:
        del doc["region"]
    elif i % 89 == 0:
        doc["region"] = None
    return doc


@pytest.fixture
async def incidents(mongo):
    """Incident-like documents with intake's indexes: `{organisation, _id}` and `{organisation, region, _id}`."""
    db = mongo[unique_name("walk")]
    await db.docs.insert_many([incident(i) for i in range(SEEDED)])
    await db.docs.create_index([("organisation", 1), ("_id", 1)], name="organisation_1__id_1")
    await db.docs.create_index([("organisation", 1), ("region", 1), ("_id", 1)], name=COMPOUND)
    await db.docs.create_index([("organisation", 1)], name="organisation_1")
    info = await mongo.admin.command("buildInfo")
    yield db, "ferretdbVersion" in info
    await mongo.drop_database(db.name)


def expected(docs: list[dict[str, Any]], query: dict[str, Any], direction: int, limit: int) -> list[str]:
    """The page MongoDB returns for `{organisation, region}` equalities (arrays match by element), `_id` after."""
    def holds(doc: dict[str, Any], field: str) -> bool:
        value = doc.get(field)
        return value == query[field] or (isinstance(value, list) and query[field] in value)

    ids = sorted((d["_id"] for d in docs if holds(d, "organisation") and holds(d, "region")
                  and d["_id"] > query.get("after", "")), reverse=direction < 0)
    return ids[:limit]


async def plan(db, query: dict[str, Any], direction: int) -> dict[str, Any]:
    return await db.command("explain", {"find": "docs", "filter": query, "sort": {"_id": direction}, "limit": 51})


def sqlite_searches(plan: list[str], index: str, constraint: str) -> bool:
    """SQLite searched `index` with `constraint`, sorting nothing and scanning no table or other index."""
    searched = [line for line in plan if "detail=SEARCH" in line and "USING INDEX" in line]
    return (any(line.split("USING INDEX ")[1].split(" ")[0].endswith(index) and constraint in line
                for line in searched)
            and not any("TEMP B-TREE" in line or ("detail=SCAN" in line and "json_each" not in line) for line in plan))


def mongodb_scans(explained: dict[str, Any], keys: dict[str, int]) -> bool:
    """MongoDB's winning plan is an IXSCAN of the index with these keys, with no SORT stage."""
    stages, plan_ = [], explained["queryPlanner"]["winningPlan"]
    while plan_:
        stages.append(plan_)
        plan_ = plan_.get("inputStage")
    return (any(s.get("stage") == "IXSCAN" and s.get("keyPattern") == keys for s in stages)
            and not any(s.get("stage") == "SORT" for s in stages))


@pytest.mark.parametrize("direction", [1, -1])
async def test_a_page_with_fixed_fields_searches_their_compound_index_in_id_order(incidents, direction):
    db, ferretdb = incidents
    query = {"organisation": "org-1", "region": "r3", "level": {"$ne": "confidential"}}
    explained = await plan(db, query, direction)
    if ferretdb:
        assert explained["sortPushdown"] is True and explained["filterPushdown"] is True
        assert sqlite_searches(explained["queryPlanner"]["Plan"], COMPOUND, "(<expr>=? AND <expr>=?)"), explained
    else:
        assert mongodb_scans(explained, {"organisation": 1, "region": 1, "_id": 1}), explained["queryPlanner"]
    page = [d["_id"] async for d in db.docs.find(query).sort("_id", direction).limit(51)]
    kept = [incident(i) for i in range(SEEDED) if i % 7]
    assert page == expected(kept, {"organisation": "org-1", "region": "r3"}, direction, 51)


async def test_the_next_page_searches_the_compound_index_after_the_cursor(incidents):
    db, ferretdb = incidents
    query = {"$and": [{"organisation": "org-1", "region": "r3"}, {"_id": {"$gt": "inc-01000"}}]}
    explained = await plan(db, query, 1)
    if ferretdb:
        assert sqlite_searches(explained["queryPlanner"]["Plan"], COMPOUND, "(<expr>=? AND <expr>=? AND <expr>>?)"), \
            explained["queryPlanner"]
    else:
        assert mongodb_scans(explained, {"organisation": 1, "region": 1, "_id": 1}), explained["queryPlanner"]
    page = [d["_id"] async for d in db.docs.find(query).sort("_id", 1).limit(51)]
    all_docs = [incident(i) for i in range(SEEDED)]
    assert page == expected(all_docs, {"organisation": "org-1", "region": "r3", "after": "inc-01000"}, 1, 51)


async def test_an_array_in_a_fixed_field_is_still_found(incidents):
    """An array holding the value matches (MongoDB's equality): the store stops relying on that field."""
    db, ferretdb = incidents
    query = {"organisation": "org-1", "region": "r3"}
    await db.docs.find(query).sort("_id", 1).limit(51).to_list()  # the store has learnt the fields hold no array
    added = [{"_id": "inc-00000a", "organisation": "org-1", "region": ["r9", "r3"]},
             {"_id": "inc-00000b", "organisation": ["org-1"], "region": "r3"}]
    await db.docs.insert_many(added)
    page = [d["_id"] async for d in db.docs.find(query).sort("_id", 1).limit(51)]
    assert page == expected([incident(i) for i in range(SEEDED)] + added, query, 1, 51)
    assert page[:2] == ["inc-00000a", "inc-00000b"]
    if ferretdb:
        lines = (await plan(db, query, 1))["queryPlanner"]["Plan"]
        assert not any(COMPOUND in line for line in lines), lines


async def test_a_field_made_an_array_by_an_update_is_still_found(incidents):
    db, _ = incidents
    query = {"organisation": "org-2", "region": "r2"}
    first = [d["_id"] async for d in db.docs.find(query).sort("_id", 1).limit(3)]
    await db.docs.update_one({"_id": "inc-00001"}, {"$set": {"region": ["r1", "r2"], "organisation": "org-2"}})
    page = [d["_id"] async for d in db.docs.find(query).sort("_id", 1).limit(3)]
    assert page == ["inc-00001", *first[:2]]


async def test_a_listing_of_an_array_field_uses_the_index_of_the_other_fixed_fields(incidents):
    """A field holding arrays (violation types) is tested per row, along the `{organisation, _id}` index."""
    db, ferretdb = incidents
    await db.docs.insert_one({"_id": "inc-00000t", "organisation": "org-3", "region": "r5", "tags": ["a", "b"]})
    await db.docs.create_index([("organisation", 1), ("tags", 1), ("_id", 1)], name="organisation_1_tags_1__id_1")
    query = {"organisation": "org-3", "tags": {"$in": ["b", "c"]}}
    if ferretdb:
        lines = (await plan(db, query, 1))["queryPlanner"]["Plan"]
        assert any("USING INDEX" in line and line.endswith("organisation_1__id_1 (<expr>=?)") for line in lines), lines
    assert [d["_id"] async for d in db.docs.find(query).sort("_id", 1).limit(5)] == ["inc-00000t"]
