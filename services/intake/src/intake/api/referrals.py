"""Where the organisation's referrals stand: pending, accepted (with the organisation and the case), declined
(with the reason code), joined to a case; from casework's events."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from servicekit.api import DEFAULT_PAGE, Page, PageCursor, PageLimit, caller_of

from ..domain.referral_status import ReferralStatus
from ..handlers import referrals as handlers
from .deps import DENIALS, AppDeps, Documenter, ResourceId

router = APIRouter(tags=["referrals"])
StatusFilter = Annotated[Literal["pending", "accepted", "declined", "joined_case"] | None, Query(alias="status")]


@router.get("/referrals", response_model=Page[ReferralStatus], responses={401: {}, 403: {}, 422: {}})
async def list_referrals(principal: Documenter, deps: AppDeps, request: Request, status_: StatusFilter = None,
                         cursor: PageCursor = None, limit: PageLimit = DEFAULT_PAGE) -> Page[ReferralStatus]:
    """The referrals the caller's organisation made, with the answer each got so far (each read audited).

    A page holds the referrals of up to `limit` referred victims (fewer when a status filter leaves some out);
    follow `next_cursor` until it is null."""
    caller = caller_of(principal, request)
    assert caller.organisation is not None
    items, next_cursor = await deps.referrals.page(caller.organisation, status=status_, cursor=cursor, limit=limit)
    await handlers.audit_read_statuses(deps, caller, items)
    return Page(items=items, next_cursor=next_cursor)


@router.get("/victims/{victim_id}/referrals", response_model=list[ReferralStatus], responses=DENIALS)
async def victim_referrals(victim_id: ResourceId, principal: Documenter, deps: AppDeps,
                           request: Request) -> list[ReferralStatus]:
    """One victim's referrals with the answer each got so far (the referring organisation only; audited)."""
    return await handlers.referrals_of_victim(deps, caller_of(principal, request), victim_id)
