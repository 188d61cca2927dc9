"""A keyset listing whose sort field is missing or null in some documents still returns every one of them.

Missing and null sort before every value (MongoDB's order, the local store's too). A page that ends on
such a document used to end the listing (`$gt: null` matches nothing), and a descending listing never
reached them. Each walk here, page after page, is compared with a sort in Python of the same documents.
"""

from __future__ import annotations

from typing import Any

import pytest
from servicekit.api import Listing, read_page
from servicekit.testing import unique_name

pytestmark = pytest.mark.integration
COUNT = 60


def task(i: int) -> dict[str, Any]:
    """Every fifth document has no due date, every seventh a null one."""
    doc: dict[str, Any] = {"_id": f"task-{(i * 37) % 101:03d}", "due_on": f"2026-{1 + i % 12:02d}-{1 + i % 9:02d}"}
    if i % 5 == 0:
        del doc["due_on"]
    elif i % 7 == 0:
        doc["due_on"] = None
    return doc


@pytest.fixture
async def tasks(mongo):
    db = mongo[unique_name("missing")]
    docs = [task(i) for i in range(COUNT)]
    await db.docs.insert_many(docs)
    await db.docs.create_index([("due_on", 1), ("_id", 1)])
    yield db, docs
    await mongo.drop_database(db.name)


def expected(docs: list[dict[str, Any]], descending: bool) -> list[str]:
    """Ids in MongoDB's order on `due_on` then `_id`: missing and null (equal) first, then the dates."""
    def rank(doc: dict[str, Any]) -> tuple[int, str, str]:
        value = doc.get("due_on")
        return (0, "", doc["_id"]) if value is None else (1, value, doc["_id"])

    return [d["_id"] for d in sorted(docs, key=rank, reverse=descending)]


async def walk(db, listing: Listing, limit: int) -> list[str]:
    ids: list[str] = []
    cursor = None
    for _ in range(COUNT + 1):
        page, cursor = await read_page(db.docs, {}, listing=listing, cursor=cursor, limit=limit)
        ids += [d["_id"] for d in page]
        if cursor is None:
            return ids
    raise AssertionError("the listing never ended")


@pytest.mark.parametrize("limit", [1, 2, 7])
async def test_an_ascending_listing_goes_on_past_a_page_that_ends_on_a_missing_value(tasks, limit):
    db, docs = tasks
    assert await walk(db, Listing("due_on"), limit) == expected(docs, descending=False)


@pytest.mark.parametrize("limit", [1, 2, 7])
async def test_a_nullable_descending_listing_ends_with_the_missing_values(tasks, limit):
    db, docs = tasks
    assert await walk(db, Listing("due_on", descending=True, nullable=True), limit) == expected(docs, descending=True)
