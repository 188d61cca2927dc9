"""Every read advocacy's API makes beyond a single load: its records' listings, one keyset page at a time."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from servicekit.api import DEFAULT_PAGE, Listing, Page, read_page

from .domain.action import ACTION
from .domain.recommendation import RECOMMENDATION
from .domain.report import REPORT

# Newest first; indexes.py declares an index for each, the sort field then `_id` (the pages' tie-break).
ACTIONS = Listing("taken_on", descending=True)
RECOMMENDATIONS = Listing("made_on", descending=True)
REPORTS = Listing("period_end", descending=True)


def public(document: dict[str, Any]) -> dict[str, Any]:
    """A stored projection document as the API shows it: its id, without the store's own fields."""
    return {k: v for k, v in document.items() if not k.startswith("_")} | {"id": document["_id"]}


def _only(**equal: str | None) -> dict[str, Any]:
    """Equality criteria for the filters the caller gave."""
    return {field: value for field, value in equal.items() if value}


async def _page(db: AsyncDatabase[Any], collection: str, criteria: dict[str, Any], listing: Listing,
                cursor: str | None, limit: int) -> Page[dict[str, Any]]:
    documents, next_cursor = await read_page(db[collection], criteria, listing=listing, cursor=cursor, limit=limit)
    return Page(items=[public(d) for d in documents], next_cursor=next_cursor)


async def actions(db: AsyncDatabase[Any], *, target_body: str | None = None, organisation: str | None = None,
                  cursor: str | None = None, limit: int = DEFAULT_PAGE) -> Page[dict[str, Any]]:
    """Logged actions, newest first, optionally towards one body or of one organisation."""
    criteria = _only(target_body=target_body, organisation=organisation)
    return await _page(db, ACTION.collection, criteria, ACTIONS, cursor, limit)


async def recommendations(db: AsyncDatabase[Any], *, status: str | None = None, addressee: str | None = None,
                          cursor: str | None = None, limit: int = DEFAULT_PAGE) -> Page[dict[str, Any]]:
    """Recommendations, newest first, optionally by status or addressee."""
    criteria = _only(status=status, addressee=addressee)
    return await _page(db, RECOMMENDATION.collection, criteria, RECOMMENDATIONS, cursor, limit)


async def reports(db: AsyncDatabase[Any], *, cursor: str | None = None,
                  limit: int = DEFAULT_PAGE) -> Page[dict[str, Any]]:
    """Published reports, latest period first."""
    return await _page(db, REPORT.collection, {}, REPORTS, cursor, limit)
