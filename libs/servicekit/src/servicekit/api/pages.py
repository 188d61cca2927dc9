"""One page type and one listing helper: keyset pages with an opaque cursor, for every service's lists.

A listing is ordered by one field and then `_id` (so the order is total and stable under concurrent
inserts); the cursor carries the last item's sort value and id, so the next page is a range read that
an index on `(field, _id)` serves without skipping. Clients never parse cursors.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field
from pymongo.asynchronous.collection import AsyncCollection

from ..errors import InvalidInput

T = TypeVar("T")

DEFAULT_PAGE = 50
MAX_PAGE = 200
MAX_CURSOR = 300

PageLimit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="How many items per page")]
PageCursor = Annotated[str | None, Query(max_length=MAX_CURSOR,
                                         description="The `next_cursor` of the previous page")]


class Page(BaseModel, Generic[T]):
    """One page of a listing and the cursor of the next one (null on the last page)."""

    items: list[T]
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` for the next page")


@dataclass(frozen=True)
class Listing:
    """How a listing is ordered: by `field` (then `_id`), newest first when `descending`.

    Documents whose field is missing or null sort before every value (MongoDB's order), so they come
    first in ascending pages and last in descending ones. Declare `nullable` when some may lack the field
    of a descending listing: its pages then also read those last ones, with one more branch in the query
    (an index still serves it on MongoDB, but the local store's ordered walk does not).
    """

    field: str = "_id"
    descending: bool = False
    nullable: bool = False

    def encode(self, document: dict[str, Any]) -> str:
        """The cursor that resumes after `document`."""
        raw = json.dumps([document.get(self.field), document["_id"]], default=str, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[Any, str]:
        """The sort value and id a cursor stands for; 422 naming `cursor` when it is not one we issued."""
        try:
            value, last_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
            raise InvalidInput("cursor_invalid", field="cursor") from None
        if not isinstance(last_id, str) or not last_id or isinstance(value, dict | list):
            raise InvalidInput("cursor_invalid", field="cursor")
        return value, last_id

    def after(self, cursor: str) -> dict[str, Any]:
        """The criteria of the items after the cursor, in this order."""
        value, last_id = self.decode(cursor)
        beyond = "$lt" if self.descending else "$gt"
        if self.field == "_id":
            return {"_id": {beyond: last_id}}
        same_value = {self.field: value, "_id": {beyond: last_id}}
        if value is None:
            # `$gt: null` matches nothing: after a missing value come the set ones (ascending) or only
            # the rest of the missing ones (descending, where they sort last).
            return same_value if self.descending else {"$or": [{self.field: {"$ne": None}}, same_value]}
        if self.descending and self.nullable:
            return {"$or": [{self.field: {beyond: value}}, same_value, {self.field: None}]}
        return {"$or": [{self.field: {beyond: value}}, same_value]}

    def sort(self) -> list[tuple[str, int]]:
        """The store's sort specification."""
        direction = -1 if self.descending else 1
        return [(self.field, direction), ("_id", direction)] if self.field != "_id" else [("_id", direction)]


async def read_page(collection: AsyncCollection[dict[str, Any]], criteria: dict[str, Any], *, listing: Listing,
                    cursor: str | None, limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the documents matching `criteria` and the cursor of the next page (None on the last)."""
    query = {"$and": [criteria, listing.after(cursor)]} if cursor else criteria
    documents = await collection.find(query).sort(listing.sort()).limit(limit + 1).to_list()
    next_cursor = listing.encode(documents[limit - 1]) if len(documents) > limit else None
    return documents[:limit], next_cursor
