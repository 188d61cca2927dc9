"""Casework's read queries over its projections (all filtering lives here, never in routes).

The lists a client pages through (cases, the referral inbox, deadlines, a case's hearings and reparations)
are the kit's keyset pages (`read_page`): `(items, next cursor)`. Calendars are bounded by their date range.

Projections are the event store's documents (`state` + `_id`, `_version`, ...). Each list is served by an
index `indexes.py` declares (docs/performance.md, "Which query shapes an index serves"). Decisions never
read from here: commands load the aggregate through the event store.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from servicekit.api import DEFAULT_PAGE, Listing, read_page
from servicekit.domain import AggregateType, S
from servicekit.organisations import is_legal_aid

from .domain.access import CASE_MANAGER, LAWYER, Access
from .domain.case import CASE, Case
from .domain.common import to_bamako
from .domain.hearing import HEARING, Hearing
from .domain.referral import REFERRAL, Referral
from .domain.reparation import REPARATION, Reparation
from .domain.task import TASK, Task

MAX_LISTED = 500
NEWEST_CASES = Listing("opened_on", descending=True)
OLDEST_REFERRALS = Listing("referred_at")
BY_DEADLINE = Listing("due_on")
IN_TIME_ORDER = Listing("starts_at")
BY_REQUEST = Listing("requested_on")


def _state(agg: AggregateType[S], doc: dict[str, Any]) -> S:
    fields = {k: v for k, v in doc.items() if not k.startswith("_")}
    return agg.state_type.model_validate({**fields, "id": doc["_id"]})


class Queries:
    """Lists over the projections of referrals, cases, hearings, reparations and tasks."""

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self.db = db

    async def _find(self, agg: AggregateType[S], criteria: dict[str, Any], sort: str, limit: int = MAX_LISTED,
                    descending: bool = False) -> list[S]:
        cursor = self.db[agg.collection].find(criteria).sort(sort, -1 if descending else 1).limit(limit)
        return [_state(agg, doc) async for doc in cursor]

    async def _page(self, agg: AggregateType[S], criteria: dict[str, Any], listing: Listing, cursor: str | None,
                    limit: int) -> tuple[list[S], str | None]:
        documents, next_cursor = await read_page(self.db[agg.collection], criteria, listing=listing, cursor=cursor,
                                                 limit=limit)
        return [_state(agg, doc) for doc in documents], next_cursor

    async def cases(self, access: Access, *, status: str | None = None, cursor: str | None = None,
                    limit: int = DEFAULT_PAGE) -> tuple[list[Case], str | None]:
        """A page of the cases the caller sees (assigned ones for a lawyer, the organisation's for a case
        manager), latest opened first."""
        scope = visible_scope(access)
        if not scope:
            return [], None
        return await self._page(CASE, scoped(scope, {"status": status} if status is not None else {}), NEWEST_CASES,
                                cursor, limit)

    async def visible_case_ids(self, access: Access, *, lawyer: str | None = None) -> list[str]:
        """The ids of the latest MAX_LISTED cases the caller sees (of one lawyer when `lawyer` is set)."""
        scope = visible_scope(access)
        if not scope:
            return []
        # The order of "my cases" (ties by `_id`), so that both stores serve it from the same indexes.
        criteria = scoped(scope, {"lawyers": lawyer} if lawyer is not None else {})
        cursor = self.db[CASE.collection].find(criteria, {"_id": 1}).sort(NEWEST_CASES.sort()).limit(MAX_LISTED)
        return [doc["_id"] async for doc in cursor]

    async def case_ids_of_victim(self, victim_id: str) -> list[str]:
        """Every case representing a victim, whoever holds it."""
        return [doc["_id"] async for doc in self.db[CASE.collection].find({"victim_ids": victim_id}, {"_id": 1})]

    async def referral_ids_of_victim(self, victim_id: str) -> list[str]:
        """Every inbox entry of a victim."""
        return [doc["_id"] async for doc in self.db[REFERRAL.collection].find({"victim_id": victim_id}, {"_id": 1})]

    async def referrals(self, *, status: str, organisation: str | None, cursor: str | None = None,
                        limit: int = DEFAULT_PAGE) -> tuple[list[Referral], str | None]:
        """A page of the organisation's inbox (pending referrals addressed to it) or of the referrals it
        decided, oldest first."""
        if organisation is None:
            return [], None
        criteria: dict[str, Any] = {"status": status}
        if status != "pending":
            criteria["organisation"] = organisation
        else:
            addressees: list[str | None] = [organisation, *([None] if is_legal_aid(organisation) else [])]
            criteria["receiving_organisation"] = {"$in": addressees}
        return await self._page(REFERRAL, criteria, OLDEST_REFERRALS, cursor, limit)

    async def hearings_of_cases(self, case_ids: list[str], *, start: datetime, end: datetime) -> list[Hearing]:
        """Hearings of some cases starting in [start, end), in time order."""
        if not case_ids:
            return []
        return await self._find(HEARING, {"case_id": {"$in": case_ids}, **_window(start, end)}, "starts_at")

    async def hearings_at_court(self, court: str, *, start: datetime, end: datetime) -> list[Hearing]:
        """Hearings before one court starting in [start, end), every organisation's (filter before showing)."""
        return await self._find(HEARING, {"court_code": court, **_window(start, end)}, "starts_at")

    async def hearings_of_case(self, case_id: str, *, cursor: str | None = None,
                               limit: int = DEFAULT_PAGE) -> tuple[list[Hearing], str | None]:
        """A page of the hearings of one case, in time order."""
        return await self._page(HEARING, {"case_id": case_id}, IN_TIME_ORDER, cursor, limit)

    async def reparations_of_case(self, case_id: str, *, cursor: str | None = None,
                                  limit: int = DEFAULT_PAGE) -> tuple[list[Reparation], str | None]:
        """A page of the reparations of one case, in the order they were requested."""
        return await self._page(REPARATION, {"case_id": case_id}, BY_REQUEST, cursor, limit)

    async def tasks_of_case(self, case_id: str, *, cursor: str | None = None,
                            limit: int = DEFAULT_PAGE) -> tuple[list[Task], str | None]:
        """A page of the tasks of one case, by deadline."""
        return await self._page(TASK, {"case_id": case_id}, BY_DEADLINE, cursor, limit)

    async def tasks_of_lawyer(self, lawyer: str, case_ids: list[str], *, status: str | None, cursor: str | None,
                              limit: int) -> tuple[list[Task], str | None]:
        """A page of a lawyer's tasks in some cases (those the caller sees), by deadline."""
        criteria: dict[str, Any] = {"assignee": lawyer, "case_id": {"$in": case_ids}}
        if status is not None:
            criteria["status"] = status
        return await self._page(TASK, criteria, BY_DEADLINE, cursor, limit)

    async def cases_by_id(self, case_ids: list[str]) -> dict[str, Case]:
        """Some cases by id (for filtering lists by visibility)."""
        if not case_ids:
            return {}
        found: list[Case] = await self._find(CASE, {"_id": {"$in": sorted(set(case_ids))}}, "_id")
        return {case.id: case for case in found}


def visible_scope(access: Access) -> list[dict[str, Any]]:
    """The `$or` branches of the cases a caller may see."""
    scope: list[dict[str, Any]] = []
    if LAWYER in access.roles:
        scope.append({"lawyers": access.subject})
    if CASE_MANAGER in access.roles and access.organisation:
        scope.append({"organisation": access.organisation})
    return scope


def scoped(scope: list[dict[str, Any]], also: dict[str, Any]) -> dict[str, Any]:
    """The cases of the `visible_scope` branches that also match `also`. One branch is sent as plain
    equalities (the local store walks a compound index, or a list's elements, only for those)."""
    base = scope[0] if len(scope) == 1 else {"$or": scope}
    if any(base.get(field, value) != value for field, value in also.items()):
        return {"$and": [base, also]}  # another lawyer's cases among the caller's own
    return {**base, **also}


def _window(start: datetime, end: datetime) -> dict[str, Any]:
    # Stored start times are ISO strings with one offset (+00:00, Bamako), so strings compare as times.
    return {"starts_at": {"$gte": to_bamako(start).isoformat(), "$lt": to_bamako(end).isoformat()}}
