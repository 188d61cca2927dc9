"""Every read education's API makes beyond loading one record: pages, sessions of a period, incident density."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from pymongo.asynchronous.database import AsyncDatabase
from servicekit.api import Listing, Page, read_page
from servicekit.domain import AggregateState

from .domain.campaign import CAMPAIGN, Campaign
from .domain.density import documented_by_region
from .domain.session import SESSION, Session
from .projections import INCIDENT_FACTS

S = TypeVar("S", bound=AggregateState)
NEWEST_SESSIONS_FIRST = Listing("held_on", descending=True)
NEWEST_CAMPAIGNS_FIRST = Listing("period_start", descending=True)


def _held_in(start: date | None, end: date | None, **equal: str | None) -> dict[str, Any]:
    """Criteria of sessions held in a period (dates are stored as ISO strings, so they compare in order)."""
    held_on: dict[str, str] = {}
    if start:
        held_on["$gte"] = start.isoformat()
    if end:
        held_on["$lte"] = end.isoformat()
    criteria: dict[str, Any] = {field: value for field, value in equal.items() if value}
    return {**criteria, "held_on": held_on} if held_on else criteria


def _state(kind: type[S], document: dict[str, Any]) -> S:
    """A record from its projection document."""
    return kind.model_validate({**document, "id": document["_id"]})


async def sessions_in(db: AsyncDatabase[Any], start: date | None, end: date | None, *,
                      organisation: str | None = None) -> list[Session]:
    """Every session held in a period (for reach and campaign progress, which add them all up)."""
    found = db[SESSION.collection].find(_held_in(start, end, organisation=organisation))
    return [_state(Session, doc) async for doc in found]


async def session_page(db: AsyncDatabase[Any], start: date | None, end: date | None, *, organisation: str | None,
                       region: str | None, cursor: str | None, limit: int) -> Page[Session]:
    """One page of sessions (of one organisation unless None), newest first."""
    criteria = _held_in(start, end, organisation=organisation, region=region)
    docs, next_cursor = await read_page(db[SESSION.collection], criteria, listing=NEWEST_SESSIONS_FIRST,
                                        cursor=cursor, limit=limit)
    return Page(items=[_state(Session, doc) for doc in docs], next_cursor=next_cursor)


async def campaign_page(db: AsyncDatabase[Any], *, cursor: str | None,
                        limit: int) -> Page[Campaign]:
    """One page of campaigns, latest first."""
    docs, next_cursor = await read_page(db[CAMPAIGN.collection], {}, listing=NEWEST_CAMPAIGNS_FIRST,
                                        cursor=cursor, limit=limit)
    return Page(items=[_state(Campaign, doc) for doc in docs], next_cursor=next_cursor)


async def incidents_by_region(db: AsyncDatabase[Any], start: date | None, end: date | None) -> dict[str, int]:
    """Documented incidents per region in a period, folded from every incident fact kept (a few fields each)."""
    return documented_by_region([fact async for fact in db[INCIDENT_FACTS].find({})], start, end)
