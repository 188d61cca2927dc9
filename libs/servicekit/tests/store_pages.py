"""Test support for the store's keyset walks: MongoDB's order and equality in Python, and a listing's pages."""

from __future__ import annotations

from typing import Any

from servicekit.api import Listing, read_page


def mongo_order(docs: list[dict[str, Any]], key: str, descending: bool = False) -> list[str]:
    """The ids in MongoDB's order on `key` then `_id`: missing and null first, then numbers, then strings."""
    def rank(doc: dict[str, Any]) -> tuple[int, Any, str]:
        value = doc.get(key)
        if value is None:
            return 0, 0, doc["_id"]
        return (1, value, doc["_id"]) if isinstance(value, int | float) else (2, value, doc["_id"])

    return [d["_id"] for d in sorted(docs, key=rank, reverse=descending)]


def matching(docs: list[dict[str, Any]], **fields: str) -> list[dict[str, Any]]:
    """The documents whose fields equal the values, or are lists holding them (MongoDB's equality)."""
    def holds(value: Any, wanted: str) -> bool:
        return value == wanted or (isinstance(value, list) and wanted in value)

    return [d for d in docs if all(holds(d.get(f), v) for f, v in fields.items())]


async def every_page(db: Any, criteria: dict[str, Any], listing: Listing, limit: int, most: int) -> list[str]:
    """Every item of a listing of `db.docs`, page after page through the kit's keyset cursor (at most `most` pages)."""
    ids: list[str] = []
    cursor = None
    for _ in range(most):
        page, cursor = await read_page(db.docs, criteria, listing=listing, cursor=cursor, limit=limit)
        ids += [d["_id"] for d in page]
        if cursor is None:
            return ids
    raise AssertionError("the listing never ended")


async def plan(db: Any, criteria: dict[str, Any], listing: Listing, cursor: str | None = None) -> dict[str, Any]:
    """The store's plan of a listing's page of `db.docs` (after `cursor`)."""
    query = {"$and": [criteria, listing.after(cursor)]} if cursor else criteria
    return await db.command("explain", {"find": "docs", "filter": query, "sort": dict(listing.sort()), "limit": 51})
