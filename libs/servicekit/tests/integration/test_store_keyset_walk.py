"""A keyset page sorted on a date then `_id` reads the compound index ending with both, in order.

Casework's shape: equalities on `organisation` and `status`, sorted on `referred_at` then `_id` (the kit's
`Listing`), the cursor's "after (date, id)" as an `$or`. MongoDB serves it from `{organisation, status,
referred_at, _id}`; the project's FerretDB build searches the same index in SQLite, in order, while the
date holds only plain strings (missing ones first, as MongoDB sorts them), and sorts in SQLite or in
memory once anything else is written there (a list field, a case's `lawyers`: test_store_elements_walk.py).
Proved by the stores' plans; every page is compared with a sort in Python of the same documents by
MongoDB's rules (missing and null first, then strings; arrays match by element).
"""

from __future__ import annotations

from typing import Any

import pytest
from servicekit.api import Listing, read_page
from servicekit.testing import unique_name
from store_pages import every_page, matching, mongo_order, plan

pytestmark = pytest.mark.integration
SEEDED = 1_500
DECIDED = "organisation_1_status_1_referred_at_1__id_1"
NEWEST = "organisation_1_opened_on_-1__id_-1"
BY_LAWYER = "lawyers_1_opened_on_-1__id_-1"
OLDEST = Listing("referred_at")


def referral(i: int) -> dict[str, Any]:
    """A referral-like document; every 83rd has no date yet, and its lawyers are a list."""
    doc: dict[str, Any] = {"_id": f"ref-{(i * 7919) % 10_007:05d}", "organisation": f"org-{i % 3}",
                           "status": ("accepted", "accepted", "declined", "pending")[i // 3 % 4],
                           "referred_at": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00+00:00",
                           "opened_on": f"20{18 + i % 8}-{1 + i % 12:02d}-{1 + i % 27:02d}",
                           "lawyers": [f"lawyer-{i % 40:02d}", *([f"lawyer-{i % 7:02d}"] if i % 4 == 0 else [])]}
    if i % 83 == 0:
        del doc["referred_at"]
    return doc


@pytest.fixture
async def referrals(mongo):
    db = mongo[unique_name("keyset")]
    await db.docs.insert_many([referral(i) for i in range(SEEDED)])
    await db.docs.create_index([("organisation", 1), ("status", 1), ("referred_at", 1), ("_id", 1)], name=DECIDED)
    await db.docs.create_index([("organisation", 1), ("opened_on", -1), ("_id", -1)], name=NEWEST)
    await db.docs.create_index([("lawyers", 1), ("opened_on", -1), ("_id", -1)], name=BY_LAWYER)
    info = await mongo.admin.command("buildInfo")
    yield db, "ferretdbVersion" in info
    await mongo.drop_database(db.name)


def sqlite_walks(explained: dict[str, Any], index: str, constraint: str) -> bool:
    """SQLite searched `index` with `constraint` and sorted nothing: the rows come in the listing's order."""
    lines = explained["queryPlanner"]["Plan"]
    return (explained["sortPushdown"] is True
            and any("detail=SEARCH" in line and line.endswith(f"{index} ({constraint})") for line in lines)
            and not any("TEMP B-TREE" in line or "MULTI-INDEX" in line for line in lines))


def mongodb_walks(explained: dict[str, Any], keys: dict[str, int]) -> bool:
    """MongoDB's winning plan is an IXSCAN of the index with these keys, with no SORT stage."""
    stages, node = [], explained["queryPlanner"]["winningPlan"]
    while node:
        stages.append(node)
        node = node.get("inputStage")
    return (any(s.get("stage") == "IXSCAN" and s.get("keyPattern") == keys for s in stages)
            and not any(s.get("stage") == "SORT" for s in stages))


@pytest.mark.parametrize("descending", [False, True])
async def test_a_date_sorted_page_searches_the_compound_index_in_order(referrals, descending):
    db, ferretdb = referrals
    criteria = {"organisation": "org-1", "status": "accepted"}
    listing = Listing("referred_at", descending=descending)
    explained = await plan(db, criteria, listing)
    if ferretdb:
        assert sqlite_walks(explained, DECIDED, "<expr>=? AND <expr>=?"), explained["queryPlanner"]
    else:
        keys = {"organisation": 1, "status": 1, "referred_at": 1, "_id": 1}
        assert mongodb_walks(explained, keys), explained["queryPlanner"]
    page, _ = await read_page(db.docs, criteria, listing=listing, cursor=None, limit=50)
    expected = mongo_order(matching([referral(i) for i in range(SEEDED)], **criteria), "referred_at", descending)
    assert [d["_id"] for d in page] == expected[:50]


async def test_the_next_page_is_a_range_of_the_index_after_the_cursor(referrals):
    db, ferretdb = referrals
    criteria = {"organisation": "org-1", "status": "accepted"}
    _, cursor = await read_page(db.docs, criteria, listing=OLDEST, cursor=None, limit=50)
    assert cursor is not None
    if ferretdb:
        explained = await plan(db, criteria, OLDEST, cursor)
        assert sqlite_walks(explained, DECIDED, "<expr>=? AND <expr>=? AND <expr>>?"), explained["queryPlanner"]
    page, _ = await read_page(db.docs, criteria, listing=OLDEST, cursor=cursor, limit=50)
    expected = mongo_order(matching([referral(i) for i in range(SEEDED)], **criteria), "referred_at")
    assert [d["_id"] for d in page] == expected[50:100]


@pytest.mark.parametrize("descending", [False, True])
async def test_paging_through_a_listing_gives_every_item_once_in_order(referrals, descending):
    """Dates tie (a few dozen distinct values) and some are missing: ties are ordered by `_id`."""
    db, _ = referrals
    criteria = {"organisation": "org-2", "status": "accepted"}
    docs = [d for d in matching([referral(i) for i in range(SEEDED)], **criteria) if "referred_at" in d]
    await db.docs.delete_many({**criteria, "referred_at": {"$exists": False}})  # the kit's cursor cannot step past one
    ids = await every_page(db, criteria, Listing("referred_at", descending=descending), limit=37,
                           most=SEEDED)
    assert ids == mongo_order(docs, "referred_at", descending)


async def test_a_case_managers_newest_cases_walk_the_descending_index(referrals):
    db, ferretdb = referrals
    criteria = {"organisation": "org-0", "status": "pending"}
    listing = Listing("opened_on", descending=True)
    if ferretdb:
        assert sqlite_walks(await plan(db, criteria, listing), NEWEST, "<expr>=?")
    ids = await every_page(db, criteria, listing, limit=40, most=SEEDED)
    assert ids == mongo_order(matching([referral(i) for i in range(SEEDED)], **criteria), "opened_on", True)


async def test_a_null_date_written_later_is_sorted_with_the_missing_ones(referrals):
    """The store stops walking the date's index order (its JSON text would put null last) and sorts."""
    db, ferretdb = referrals
    criteria = {"organisation": "org-1", "status": "accepted"}
    await read_page(db.docs, criteria, listing=OLDEST, cursor=None, limit=50)  # the store has learnt the dates
    await db.docs.update_one({"_id": "ref-00000"}, {"$set": {"referred_at": None, **criteria}})
    page, _ = await read_page(db.docs, criteria, listing=OLDEST, cursor=None, limit=50)
    docs = matching([referral(i) for i in range(SEEDED)], **criteria)
    docs = [d for d in docs if d["_id"] != "ref-00000"] + [{**referral(0), **criteria, "referred_at": None}]
    assert [d["_id"] for d in page] == mongo_order(docs, "referred_at")[:50]
    assert "ref-00000" in [d["_id"] for d in page]
    if ferretdb:
        assert not sqlite_walks(await plan(db, criteria, OLDEST), DECIDED, "<expr>=? AND <expr>=?")


async def test_a_date_written_as_another_type_still_sorts_as_mongodb_does(referrals):
    """A number sorts before every string in MongoDB; the store's walk by the date's text is dropped."""
    db, _ = referrals
    criteria = {"organisation": "org-1", "status": "accepted"}
    await read_page(db.docs, criteria, listing=OLDEST, cursor=None, limit=5)  # the store has learnt the dates
    number = {"_id": "ref-number", "referred_at": 20250101, **criteria}
    await db.docs.insert_one(number)
    page, _ = await read_page(db.docs, criteria, listing=OLDEST, cursor=None, limit=50)
    docs = [*matching([referral(i) for i in range(SEEDED)], **criteria), number]
    assert [d["_id"] for d in page] == mongo_order(docs, "referred_at")[:50]
    assert "ref-number" in [d["_id"] for d in page]


async def test_a_lawyers_cases_are_every_case_holding_the_lawyer_in_order(referrals):
    """Every document's `lawyers` is a list (its walk: test_store_elements_walk.py)."""
    db, _ = referrals
    criteria = {"lawyers": "lawyer-03"}
    listing = Listing("opened_on", descending=True)
    ids = await every_page(db, criteria, listing, limit=20, most=SEEDED)
    assert ids == mongo_order(matching([referral(i) for i in range(SEEDED)], **criteria), "opened_on", True)


async def test_a_lawyer_written_as_a_single_value_is_still_found(referrals):
    """MongoDB's equality matches a plain value too: the first one written turns the range off."""
    db, _ = referrals
    criteria = {"lawyers": "lawyer-03"}
    listing = Listing("opened_on", descending=True)
    await read_page(db.docs, criteria, listing=listing, cursor=None, limit=5)  # the store has learnt the lists
    single = {"_id": "ref-single", "lawyers": "lawyer-03", "opened_on": "2099-01-01"}
    await db.docs.insert_one(single)
    page, _ = await read_page(db.docs, criteria, listing=listing, cursor=None, limit=5)
    docs = matching([*[referral(i) for i in range(SEEDED)], single], **criteria)
    assert [d["_id"] for d in page] == mongo_order(docs, "opened_on", True)[:5]
    assert page[0]["_id"] == "ref-single"
