"""Reading incident projections: filtered, cursor-paginated listings and the non-identifying export.

Every query is built here, with the viewer's organisation and confidentiality rule always part of
it, so no route can forget them. Pages are ordered by `_id` (stable under concurrent inserts); the
cursor is the last `_id` seen, opaque to clients.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from servicekit.errors import InvalidInput

from .domain.access import Viewer
from .domain.incident import Incident
from .domain.terms import check_location, check_term, with_descendants


@dataclass(frozen=True)
class IncidentFilter:
    """What a listing or export may be narrowed by (all optional, combined with AND)."""

    region: str | None = None
    violation_type: str | None = None
    perpetrator_category: str | None = None
    verification_status: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def query(self) -> dict[str, Any]:
        """The store query; each code is checked against its vocabulary first (422 naming the filter)."""
        query: dict[str, Any] = {}
        if self.region is not None:
            check_location(self.region, None, None)
            query["region"] = self.region
        if self.violation_type is not None:
            check_term("violation_types", self.violation_type, field="violation_type")
            query["violation_types"] = {"$in": with_descendants("violation_types", self.violation_type)}
        if self.perpetrator_category is not None:
            check_term("perpetrator_categories", self.perpetrator_category, field="perpetrator_category")
            query["perpetrator_categories"] = {"$in": with_descendants("perpetrator_categories",
                                                                       self.perpetrator_category)}
        if self.verification_status is not None:
            check_term("verification_statuses", self.verification_status, field="verification_status")
            query["verification_status"] = self.verification_status
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise InvalidInput("date_from_after_date_to", field="date_from")
        # Dates overlap the window: the incident ends on/after date_from and starts on/before date_to.
        if self.date_from is not None:
            query["occurred_end"] = {"$gte": self.date_from.isoformat()}
        if self.date_to is not None:
            query["occurred_on"] = {"$lte": self.date_to.isoformat()}
        return query


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The `_id` a cursor stands for; 422 when it is not one we issued."""
    try:
        last_id = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidInput("cursor_invalid", field="cursor") from None
    if not last_id or len(last_id) > 80 or not last_id.replace("-", "").isalnum():
        raise InvalidInput("cursor_invalid", field="cursor")
    return last_id


@dataclass(frozen=True)
class Page:
    """One page of incidents and the cursor of the next one (None on the last page)."""

    items: list[Incident]
    next_cursor: str | None


class IncidentQueries:
    """All reads of the incident projection that are not a single `_id` lookup."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection

    async def page(self, viewer: Viewer, selection: IncidentFilter, *, cursor: str | None, limit: int) -> Page:
        """The viewer's organisation's incidents it may see, filtered, one page."""
        query = selection.query()
        query["organisation"] = viewer.organisation
        if not viewer.is_officer:
            query["confidentiality"] = {"$ne": "confidential"}
        if cursor is not None:
            query["_id"] = {"$gt": decode_cursor(cursor)}
        documents = await self.collection.find(query).sort("_id", 1).limit(limit + 1).to_list()
        items = [_incident(document) for document in documents[:limit]]
        next_cursor = encode_cursor(items[-1].id) if len(documents) > limit and items else None
        return Page(items=items, next_cursor=next_cursor)

    async def exportable(self, selection: IncidentFilter) -> AsyncIterator[Incident]:
        """Every non-confidential incident of every organisation, filtered (for the non-identifying export)."""
        query = selection.query()
        query["confidentiality"] = {"$ne": "confidential"}
        async for document in self.collection.find(query).sort("_id", 1):
            yield _incident(document)


def _incident(document: dict[str, Any]) -> Incident:
    fields = {key: value for key, value in document.items() if not key.startswith("_")}
    return Incident.model_validate({**fields, "id": document["_id"]})
