"""Hearing calendars per lawyer and per court, and iCalendar feeds a lawyer can subscribe to.

Every calendar shows only hearings of cases the caller may see, and never a victim's name.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from servicekit.api import Caller, caller_of
from servicekit.commands import audit
from servicekit.errors import Conflict, InvalidInput, NotFound
from servicekit.eventstore import CommandContext
from servicekit.ids import derived_id

from .. import handlers
from ..bootstrap import Deps
from ..domain.access import CASE_MANAGER
from ..domain.common import to_bamako
from ..domain.hearing import Hearing
from ..ics import render_calendar
from ..projections import MAX_FEEDS_PER_LAWYER
from ..vocabularies import require_court
from .deps import AppDeps, CaseManager, CaseWorker, Lawyer, LawyerPathId
from .schemas import FeedCreated, FeedPublic, HearingPublic, public

router = APIRouter(prefix="/calendar", tags=["calendar"])
MAX_RANGE = timedelta(days=400)
FEED_PAST, FEED_AHEAD = timedelta(days=60), timedelta(days=400)
ICS = "text/calendar; charset=utf-8"
Start = Annotated[datetime, Query(description="Range start (inclusive); without offset: Africa/Bamako time")]
End = Annotated[datetime, Query(description="Range end (exclusive); without offset: Africa/Bamako time")]
Lang = Annotated[str, Query(pattern="^(fr|en)$")]
FeedToken = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{43}$", description="The feed's secret")]


def checked_range(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """A range that ends after it starts and spans at most MAX_RANGE."""
    for name, value in (("start", start), ("end", end)):
        try:
            to_bamako(value)
        except ValueError:
            raise InvalidInput("datetime_too_old", field=f"query.{name}") from None
    start, end = to_bamako(start), to_bamako(end)
    if end <= start:
        raise InvalidInput("range_reversed", field="end")
    if end - start > MAX_RANGE:
        raise InvalidInput("range_too_long", field="end", max_days=MAX_RANGE.days)
    return start, end


async def lawyer_hearings(deps: Deps, caller: Caller, lawyer_id: str, start: datetime,
                          end: datetime) -> list[Hearing]:
    """Hearings of the cases the caller sees that `lawyer_id` is assigned to; audited."""
    case_ids = await deps.queries.visible_case_ids(handlers.access_of(caller), lawyer=lawyer_id)
    await audit(deps.core.audit, caller, "calendar.read", "calendar", derived_id("casework.lawyer", lawyer_id),
                purpose="lawyer calendar", allowed=True)
    return await deps.queries.hearings_of_cases(case_ids, start=start, end=end)


def publics(hearings: list[Hearing]) -> list[HearingPublic]:
    return [public(HearingPublic, h) for h in hearings]


@router.get("/lawyers/{lawyer_id}", response_model=list[HearingPublic], responses={401: {}, 403: {}, 422: {}})
async def lawyer_calendar(lawyer_id: LawyerPathId, start: Start, end: End, principal: CaseWorker,
                          deps: AppDeps, request: Request) -> list[HearingPublic]:
    """A lawyer's hearings over a date range (within the cases the caller sees)."""
    start, end = checked_range(start, end)
    caller = caller_of(principal, request, needs_organisation=False)
    return publics(await lawyer_hearings(deps, caller, lawyer_id, start, end))


@router.get("/organisation", response_model=list[HearingPublic], responses={401: {}, 403: {}, 422: {}})
async def organisation_calendar(start: Start, end: End, principal: CaseManager, deps: AppDeps,
                                request: Request) -> list[HearingPublic]:
    """Hearings of the latest cases of the caller's organisation over a date range (case managers)."""
    start, end = checked_range(start, end)
    caller = caller_of(principal, request)
    case_ids = await deps.queries.visible_case_ids(handlers.access_of(caller).only({CASE_MANAGER}))
    await audit(deps.core.audit, caller, "calendar.read", "calendar",
                derived_id("casework.organisation", caller.organisation or ""), purpose="organisation calendar",
                allowed=True)
    return publics(await deps.queries.hearings_of_cases(case_ids, start=start, end=end))


@router.get("/courts/{court}", response_model=list[HearingPublic], responses={401: {}, 403: {}, 422: {}})
async def court_calendar(court: str, start: Start, end: End, principal: CaseWorker,
                         deps: AppDeps, request: Request) -> list[HearingPublic]:
    """Hearings before one court over a date range (within the cases the caller sees)."""
    require_court(court)
    start, end = checked_range(start, end)
    caller = caller_of(principal, request, needs_organisation=False)
    found = await deps.queries.hearings_at_court(court, start=start, end=end)
    cases = await deps.queries.cases_by_id([h.case_id for h in found])
    access = handlers.access_of(caller)
    await audit(deps.core.audit, caller, "calendar.read", "calendar", court, purpose="court calendar", allowed=True)
    return publics([h for h in found if h.case_id in cases and access.sees(cases[h.case_id])])


@router.get("/me.ics", response_class=Response, responses={200: {"content": {"text/calendar": {}}}, 401: {}, 403: {}})
async def my_calendar_ics(principal: Lawyer, deps: AppDeps, request: Request, lang: Lang = "fr") -> Response:
    """The caller's hearings as iCalendar (60 days back, 400 ahead), with a bearer token."""
    now = deps.core.clock()
    caller = caller_of(principal, request, needs_organisation=False)
    found = await lawyer_hearings(deps, caller, caller.subject, now - FEED_PAST, now + FEED_AHEAD)
    body = render_calendar(found, name="Audiences / Hearings", now=now, lang=lang)
    return Response(body, media_type=ICS, headers={"Cache-Control": "private, no-store"})


@router.post("/feeds", status_code=status.HTTP_201_CREATED, response_model=FeedCreated,
             responses={401: {}, 403: {}, 409: {}})
async def create_feed(principal: Lawyer, deps: AppDeps) -> FeedCreated:
    """A secret feed URL for a calendar app; shown once, revocable."""
    if await deps.feeds.count(principal.subject) >= MAX_FEEDS_PER_LAWYER:
        raise Conflict("too_many_feeds", limit=MAX_FEEDS_PER_LAWYER)
    feed, token = await deps.feeds.create(lawyer=principal.subject, organisation=principal.organisation,
                                          at=deps.core.clock())
    return FeedCreated(feed_id=feed.feed_id, url_path=f"/calendar/feeds/{token}.ics")


@router.get("/feeds", response_model=list[FeedPublic], responses={401: {}, 403: {}})
async def list_feeds(principal: Lawyer, deps: AppDeps) -> list[FeedPublic]:
    """The caller's feeds (ids and dates; secrets are never shown again)."""
    return [FeedPublic(feed_id=f.feed_id, created_at=f.created_at) for f in await deps.feeds.list(principal.subject)]


@router.delete("/feeds/{feed_id}", status_code=status.HTTP_204_NO_CONTENT, responses={401: {}, 403: {}, 404: {}})
async def revoke_feed(feed_id: str, principal: Lawyer, deps: AppDeps) -> None:
    """Revoke one of the caller's feeds."""
    if not await deps.feeds.revoke(lawyer=principal.subject, feed_id=feed_id):
        raise NotFound("feed_not_found")


@router.get("/feeds/{token}.ics", response_class=Response, responses={200: {"content": {"text/calendar": {}}},
                                                                        404: {}, 422: {}})
async def feed_ics(token: FeedToken, deps: AppDeps, lang: Lang = "fr") -> Response:
    """A subscribed feed: the secret in the URL is the credential (no victim names inside)."""
    feed = await deps.feeds.resolve(token)
    if feed is None:
        raise NotFound("feed_not_found")
    # The feed's secret stands for its lawyer: the calendar is read, and audited, as theirs.
    owner = Caller(subject=feed.lawyer, roles=frozenset({"lawyer"}), organisation=feed.organisation,
                   is_service=False, context=CommandContext(actor=feed.lawyer))
    now = deps.core.clock()
    found = await lawyer_hearings(deps, owner, feed.lawyer, now - FEED_PAST, now + FEED_AHEAD)
    body = render_calendar(found, name="Audiences / Hearings", now=now, lang=lang)
    return Response(body, media_type=ICS, headers={"Cache-Control": "private, no-store"})
