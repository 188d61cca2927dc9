"""A lawyer's keyset page walks the elements of the list index, reading only that lawyer's rows.

Casework's "my cases": `{lawyers: <lawyer>}` sorted on `opened_on` then `_id`, descending, served on
MongoDB by the multikey index `{lawyers, opened_on: -1, _id: -1}`. SQLite cannot index the elements of a
list, so the project's FerretDB build keeps, for an index of that shape, a table of (lawyer, date, id)
written by triggers in the same statement as each document, and walks it from the cursor, looking each
case up by `_id`. Proved by the store's plans; every page is compared with a sort and filter in Python
over the same documents by MongoDB's rules, as documents gain and lose lawyers, are deleted, and as the
index is dropped and the collection made again.
"""

from __future__ import annotations

from typing import Any

import pytest
from servicekit.api import Listing, read_page
from servicekit.testing import unique_name
from store_pages import every_page, matching, mongo_order, plan

pytestmark = pytest.mark.integration
SEEDED = 1_200
BY_LAWYER = "lawyers_1_opened_on_-1__id_-1"
WALK = f"{BY_LAWYER}_elements_walk"
NEWEST = Listing("opened_on", descending=True)
LAWYER = "lawyer-03"


def case(i: int) -> dict[str, Any]:
    """A case-like document: one to three lawyers (sometimes one twice), dates that tie, some without
    lawyers or a date yet."""
    lawyers = [f"lawyer-{i % 40:02d}", *([f"lawyer-{i % 7:02d}"] if i % 4 == 0 else []),
               *([f"lawyer-{i % 40:02d}"] if i % 9 == 0 else [])]
    doc: dict[str, Any] = {"_id": f"case-{(i * 7919) % 10_007:05d}", "status": ("open", "closed")[i % 3 == 0],
                           "opened_on": f"20{18 + i % 8}-{1 + i % 12:02d}-{1 + i % 5:02d}", "lawyers": lawyers}
    if i % 97 == 0:
        del doc["opened_on"]
    if i % 89 == 0:
        doc["lawyers"] = [] if i % 2 else None
    return doc


def seeded() -> list[dict[str, Any]]:
    return [case(i) for i in range(SEEDED)]


@pytest.fixture
async def cases(mongo):
    db = mongo[unique_name("elements")]
    await db.docs.insert_many(seeded())
    await db.docs.create_index([("lawyers", 1), ("opened_on", -1), ("_id", -1)], name=BY_LAWYER)
    info = await mongo.admin.command("buildInfo")
    yield db, "ferretdbVersion" in info
    await mongo.drop_database(db.name)


def walks_elements(explained: dict[str, Any], constraint: str) -> bool:
    """SQLite searched the elements table's index with `constraint`, looked each document up by `_id`, and
    sorted nothing (the rest of the filter may read a document's own lists)."""
    lines = explained["queryPlanner"]["Plan"]
    return (explained["sortPushdown"] is True
            and any("detail=SEARCH e USING COVERING INDEX" in line and line.endswith(f"{WALK} ({constraint})")
                    for line in lines)
            and any(line.endswith("__id_ (<expr>=?)") for line in lines)
            and not any("TEMP B-TREE" in line or ("detail=SCAN" in line and "json_each" not in line)
                        for line in lines))


async def listed(db, criteria: dict[str, Any], docs: list[dict[str, Any]], descending: bool = True) -> None:
    """Every page of the listing, compared with the same filter and sort in Python over `docs`."""
    listing = Listing("opened_on", descending=descending)
    expected = mongo_order(matching(docs, **criteria), "opened_on", descending)
    assert await every_page(db, criteria, listing, limit=17, most=SEEDED) == expected


@pytest.mark.parametrize("descending", [True, False])
async def test_a_lawyers_first_page_walks_the_elements_of_the_list_index(cases, descending):
    db, ferretdb = cases
    criteria = {"lawyers": LAWYER}
    listing = Listing("opened_on", descending=descending)
    if ferretdb:
        explained = await plan(db, criteria, listing)
        assert walks_elements(explained, "elem=?"), explained["queryPlanner"]["Plan"]
    page, _ = await read_page(db.docs, criteria, listing=listing, cursor=None, limit=20)
    assert [d["_id"] for d in page] == mongo_order(matching(seeded(), **criteria), "opened_on", descending)[:20]


async def test_a_lawyers_next_page_is_a_range_of_the_elements_after_the_cursor(cases):
    db, ferretdb = cases
    criteria = {"lawyers": LAWYER, "status": "open"}
    _, cursor = await read_page(db.docs, criteria, listing=NEWEST, cursor=None, limit=10)
    assert cursor is not None
    if ferretdb:
        explained = await plan(db, criteria, NEWEST, cursor)
        assert walks_elements(explained, "elem=? AND k<?"), explained["queryPlanner"]["Plan"]
    page, _ = await read_page(db.docs, criteria, listing=NEWEST, cursor=cursor, limit=10)
    assert [d["_id"] for d in page] == mongo_order(matching(seeded(), **criteria), "opened_on", True)[10:20]


@pytest.mark.parametrize("lawyer", ["lawyer-00", "lawyer-03", "lawyer-06", "lawyer-39"])
async def test_paging_through_a_lawyers_cases_gives_each_case_once_in_order(cases, lawyer):
    """Cases held by several lawyers, a lawyer listed twice in one case, dates that tie: each case once.
    Cases without a date are left out, as the kit's cursor cannot step past one."""
    db, _ = cases
    await db.docs.delete_many({"opened_on": {"$exists": False}})
    await listed(db, {"lawyers": lawyer}, [d for d in seeded() if "opened_on" in d])


async def test_a_lawyer_removed_from_a_case_no_longer_sees_it(cases):
    db, _ = cases
    await db.docs.delete_many({"opened_on": {"$exists": False}})
    docs = {d["_id"]: d for d in seeded() if "opened_on" in d}
    held = [d["_id"] for d in matching(list(docs.values()), lawyers=LAWYER)][:5]
    for case_id in held:
        await db.docs.update_one({"_id": case_id}, {"$pull": {"lawyers": LAWYER}})
        docs[case_id] = {**docs[case_id], "lawyers": [x for x in docs[case_id]["lawyers"] if x != LAWYER]}
    await listed(db, {"lawyers": LAWYER}, list(docs.values()))
    page, _ = await read_page(db.docs, {"lawyers": LAWYER}, listing=NEWEST, cursor=None, limit=SEEDED)
    assert not set(held) & {d["_id"] for d in page}


async def test_a_lawyer_added_to_a_case_and_a_case_reopened_later_are_listed_in_place(cases):
    """A new lawyer finds the case at once; a changed date moves it in the walked order."""
    db, _ = cases
    await db.docs.delete_many({"opened_on": {"$exists": False}})
    docs = {d["_id"]: d for d in seeded() if "opened_on" in d}
    added = next(i for i, d in docs.items() if LAWYER not in (d["lawyers"] or []))
    moved = matching(list(docs.values()), lawyers=LAWYER)[0]["_id"]
    await db.docs.update_one({"_id": added}, {"$push": {"lawyers": LAWYER}})
    await db.docs.update_one({"_id": moved}, {"$set": {"opened_on": "2099-12-31"}})
    docs[added] = {**docs[added], "lawyers": [*docs[added]["lawyers"], LAWYER]}
    docs[moved] = {**docs[moved], "opened_on": "2099-12-31"}
    await listed(db, {"lawyers": LAWYER}, list(docs.values()))
    page, _ = await read_page(db.docs, {"lawyers": LAWYER}, listing=NEWEST, cursor=None, limit=1)
    assert page[0]["_id"] == moved


async def test_deleted_and_replaced_cases_leave_no_stale_lawyer(cases):
    db, _ = cases
    await db.docs.delete_many({"opened_on": {"$exists": False}})
    docs = {d["_id"]: d for d in seeded() if "opened_on" in d}
    mine = [d["_id"] for d in matching(list(docs.values()), lawyers=LAWYER)]
    await db.docs.delete_one({"_id": mine[0]})
    del docs[mine[0]]
    replacement = {"_id": mine[1], "status": "open", "opened_on": "2020-02-02", "lawyers": ["lawyer-99"]}
    await db.docs.replace_one({"_id": mine[1]}, replacement)
    docs[mine[1]] = replacement
    await listed(db, {"lawyers": LAWYER}, list(docs.values()))
    await listed(db, {"lawyers": "lawyer-99"}, list(docs.values()))


async def test_cases_written_before_the_index_are_listed_by_the_walk(mongo):
    """The store makes the elements table, from the documents already there, on the first page that walks it."""
    db = mongo[unique_name("elements")]
    try:
        docs = [d for d in seeded() if "opened_on" in d]
        await db.docs.insert_many(docs)
        await db.docs.create_index([("lawyers", 1), ("opened_on", -1), ("_id", -1)], name=BY_LAWYER)
        await listed(db, {"lawyers": LAWYER}, docs)
    finally:
        await mongo.drop_database(db.name)


async def test_writes_go_on_after_the_index_is_dropped(cases):
    """Dropping the index drops its table and triggers: later writes succeed and lists stay right."""
    db, _ = cases
    await read_page(db.docs, {"lawyers": LAWYER}, listing=NEWEST, cursor=None, limit=5)  # the table is made
    await db.docs.drop_index(BY_LAWYER)
    later = {"_id": "case-later", "status": "open", "opened_on": "2030-01-01", "lawyers": [LAWYER]}
    await db.docs.insert_one(later)
    await db.docs.update_one({"_id": "case-later"}, {"$set": {"lawyers": [LAWYER, "lawyer-01"]}})
    await db.docs.delete_many({"opened_on": {"$exists": False}})
    docs = [*(d for d in seeded() if "opened_on" in d), {**later, "lawyers": [LAWYER, "lawyer-01"]}]
    await listed(db, {"lawyers": "lawyer-01"}, docs)


async def test_a_collection_dropped_and_made_again_lists_only_its_new_cases(cases):
    db, _ = cases
    await read_page(db.docs, {"lawyers": LAWYER}, listing=NEWEST, cursor=None, limit=5)  # the table is made
    await db.docs.drop()
    fresh = [{"_id": f"new-{i:03d}", "status": "open", "opened_on": f"2025-01-{1 + i % 28:02d}",
              "lawyers": [LAWYER] if i % 2 else ["lawyer-01"]} for i in range(60)]
    await db.docs.insert_many(fresh)
    await db.docs.create_index([("lawyers", 1), ("opened_on", -1), ("_id", -1)], name=BY_LAWYER)
    await listed(db, {"lawyers": LAWYER}, fresh)


async def test_a_null_date_written_later_is_listed_where_mongodb_puts_it(cases):
    """The elements keep the date's JSON text, which would sort a null among the strings: the store stops
    walking them and sorts, with the null last in a newest-first list, as MongoDB does."""
    db, _ = cases
    await read_page(db.docs, {"lawyers": LAWYER}, listing=NEWEST, cursor=None, limit=5)  # the store has walked
    docs = {d["_id"]: d for d in seeded()}
    dated = next(i for i, d in docs.items() if LAWYER in (d["lawyers"] or []) and "opened_on" in d)
    await db.docs.update_one({"_id": dated}, {"$set": {"opened_on": None}})
    docs[dated] = {**docs[dated], "opened_on": None}
    page, _ = await read_page(db.docs, {"lawyers": LAWYER}, listing=NEWEST, cursor=None, limit=SEEDED)
    assert [d["_id"] for d in page] == mongo_order(matching(list(docs.values()), lawyers=LAWYER), "opened_on", True)


async def test_a_scalar_field_asked_about_while_the_collection_is_empty_gets_no_elements_table(mongo):
    """Every field holds only lists in an empty collection: the store waits for a list before making a table
    (whose triggers every later write would pay), so an organisation's page keeps its own index's walk."""
    db = mongo[unique_name("elements")]
    try:
        await db.docs.create_index([("organisation", 1), ("opened_on", -1), ("_id", -1)], name="by_organisation")
        ferretdb = "ferretdbVersion" in await mongo.admin.command("buildInfo")
        criteria = {"organisation": "org-1"}
        if ferretdb:
            lines = (await plan(db, criteria, NEWEST))["queryPlanner"]["Plan"]
            assert not any("_elements" in line for line in lines), lines
        docs = [{"_id": f"case-{i:03d}", "organisation": f"org-{i % 2}", "opened_on": f"2024-01-{1 + i % 28:02d}"}
                for i in range(40)]
        await db.docs.insert_many(docs)
        if ferretdb:
            lines = (await plan(db, criteria, NEWEST))["queryPlanner"]["Plan"]
            assert any(line.endswith("by_organisation (<expr>=?)") for line in lines), lines
        assert await every_page(db, criteria, NEWEST, limit=7, most=SEEDED) == mongo_order(
            matching(docs, **criteria), "opened_on", True)
    finally:
        await mongo.drop_database(db.name)


async def test_a_list_field_gets_its_elements_once_a_document_holds_a_list(mongo):
    db = mongo[unique_name("elements")]
    try:
        await db.docs.create_index([("lawyers", 1), ("opened_on", -1), ("_id", -1)], name=BY_LAWYER)
        assert await every_page(db, {"lawyers": LAWYER}, NEWEST, limit=7, most=SEEDED) == []
        docs = [d for d in seeded() if "opened_on" in d]
        await db.docs.insert_many(docs)
        if "ferretdbVersion" in await mongo.admin.command("buildInfo"):
            assert walks_elements(await plan(db, {"lawyers": LAWYER}, NEWEST), "elem=?")
        await listed(db, {"lawyers": LAWYER}, docs)
    finally:
        await mongo.drop_database(db.name)
