"""Every read the API makes beyond a single load: incident pages and export, the organisation's referrals.

Every query is built here, with the viewer's organisation and confidentiality rule always part of
it, so no route can forget them. Pages are the kit's keyset pages (`read_page`), ordered by `_id`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from servicekit.api import Listing, read_page
from servicekit.errors import InvalidInput

from .domain.access import Viewer
from .domain.incident import Incident
from .domain.referral_status import ReferralStatus
from .domain.terms import check_location, check_term, with_descendants
from .domain.victim import Victim
from .projections import ReferralAnswers

BY_ID = Listing("_id")


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


class IncidentQueries:
    """All reads of the incident projection that are not a single `_id` lookup."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection

    async def page(self, viewer: Viewer, selection: IncidentFilter, *, cursor: str | None,
                   limit: int) -> tuple[list[Incident], str | None]:
        """The viewer's organisation's incidents it may see, filtered, one page and the next page's cursor."""
        criteria = selection.query()
        criteria["organisation"] = viewer.organisation
        if not viewer.is_officer:
            criteria["confidentiality"] = {"$ne": "confidential"}
        documents, next_cursor = await read_page(self.collection, criteria, listing=BY_ID, cursor=cursor, limit=limit)
        return [_model(Incident, document) for document in documents], next_cursor

    async def exportable(self, selection: IncidentFilter) -> AsyncIterator[Incident]:
        """Every non-confidential incident of every organisation, filtered (for the non-identifying export)."""
        query = selection.query()
        query["confidentiality"] = {"$ne": "confidential"}
        async for document in self.collection.find(query).sort("_id", 1):
            yield _model(Incident, document)


class ReferralQueries:
    """The referrals an organisation made, read from its victims' projections and casework's answers."""

    def __init__(self, victims: AsyncCollection[dict[str, Any]], answers: ReferralAnswers) -> None:
        self.victims = victims
        self.answers = answers

    async def page(self, organisation: str, *, status: str | None, cursor: str | None,
                   limit: int) -> tuple[list[ReferralStatus], str | None]:
        """The referrals of one page of the organisation's referred victims, filtered by status.

        The page is a page of victims (a status is folded from answers, so it cannot be a store criterion);
        a page may hold fewer referrals than `limit`, and the cursor goes on while victims remain.
        """
        criteria = {"organisation": organisation, "referrals": {"$ne": []}}
        documents, next_cursor = await read_page(self.victims, criteria, listing=BY_ID, cursor=cursor, limit=limit)
        victims = [_model(Victim, document) for document in documents]
        found = await self.answers.statuses_of(victims)
        return [s for s in found if status is None or s.status == status], next_cursor


def _model(model: type[Any], document: dict[str, Any]) -> Any:
    """A projection document as its model (`_id` becomes `id`; the store's own fields are dropped)."""
    fields = {key: value for key, value in document.items() if not key.startswith("_")}
    return model.model_validate({**fields, "id": document["_id"]})
