"""Where the organisation's referrals stand: pending, accepted (with the organisation and the case), declined
(with the reason code), joined to a case; from casework's events."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from ..domain.referral_status import ReferralStatus
from ..handlers import answers as handlers
from .deps import AppDeps, Documenter, ResourceId, caller_of

router = APIRouter(tags=["referrals"])
StatusFilter = Annotated[Literal["pending", "accepted", "declined", "joined_case"] | None, Query(alias="status")]


@router.get("/referrals", response_model=list[ReferralStatus], responses={401: {}, 403: {}, 422: {}})
async def list_referrals(principal: Documenter, deps: AppDeps, request: Request, status_: StatusFilter = None,
                         limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[ReferralStatus]:
    """The referrals the caller's organisation made, with the answer each got so far (each read audited)."""
    return await handlers.referrals_of_organisation(deps, caller_of(principal, request), status=status_,
                                                    limit=limit)


@router.get("/victims/{victim_id}/referrals", response_model=list[ReferralStatus],
            responses={401: {}, 403: {}, 404: {}, 422: {}})
async def victim_referrals(victim_id: ResourceId, principal: Documenter, deps: AppDeps,
                           request: Request) -> list[ReferralStatus]:
    """One victim's referrals with the answer each got so far (the referring organisation only; audited)."""
    return await handlers.referrals_of_victim(deps, caller_of(principal, request), victim_id)
