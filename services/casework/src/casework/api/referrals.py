"""The referral inbox: case managers accept (opening a case or joining one) or decline referred victims."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, status
from servicekit.errors import InvalidInput, NotFound

from .. import handlers
from ..domain.access import CASE_MANAGER
from ..domain.referral import REFERRAL
from .deps import WRITE_ERRORS, AppDeps, CaseManager, ReferralId, command_context, organisation_of
from .schemas import CaseOpenedPublic, ReferralAccept, ReferralDecline, ReferralPublic

router = APIRouter(prefix="/referrals", tags=["referrals"])
Status = Annotated[Literal["pending", "accepted", "declined"], Query(alias="status")]
ERRORS = WRITE_ERRORS


@router.get("", response_model=list[ReferralPublic], responses={401: {}, 403: {}, 422: {}})
async def list_referrals(principal: CaseManager, deps: AppDeps,
                         status_: Status = "pending",
                         limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[ReferralPublic]:
    """The inbox: pending referrals, or those the caller's organisation decided."""
    found = await deps.queries.referrals(status=status_, organisation=principal.organisation, limit=limit)
    await handlers.audit_reads(deps, principal, action="referral.read", resource_type="referral",
                               resource_ids=[r.id for r in found], purpose="referral inbox")
    return [ReferralPublic.model_validate(r.model_dump()) for r in found]


@router.get("/{referral_id}", response_model=ReferralPublic, responses={401: {}, 403: {}, 404: {}})
async def read_referral(referral_id: ReferralId, principal: CaseManager, deps: AppDeps) -> ReferralPublic:
    """One referral: pending ones to any case manager, decided ones to the deciding organisation."""
    found = (await deps.store.load(REFERRAL, referral_id)).state
    if found is None or (found.status != "pending" and found.organisation != principal.organisation):
        raise NotFound("referral_not_found")
    await handlers.audit(deps, principal, action="referral.read", resource_type="referral", resource_id=referral_id,
                         purpose="referral", allowed=True)
    return ReferralPublic.model_validate(found.model_dump())


@router.post("/{referral_id}/accept", status_code=status.HTTP_201_CREATED, response_model=CaseOpenedPublic,
             responses=ERRORS)
async def accept_referral(referral_id: ReferralId, body: ReferralAccept, principal: CaseManager, deps: AppDeps,
                          request: Request) -> CaseOpenedPublic:
    """Accept a pending referral for the caller's organisation: opens its case with the lawyers named or, with
    `case_id`, adds the victim to that open case of the organisation (404 unknown case, 409 closed or flagged
    case or victim already in it; a retried acceptance changes nothing)."""
    ctx, organisation = command_context(principal, request), organisation_of(principal)
    if body.case_id is None:
        case_id = await handlers.accept_referral(deps, ctx, referral_id=referral_id, organisation=organisation,
                                                 lawyers=body.lawyers, court=body.court)
        return CaseOpenedPublic(case_id=case_id)
    if body.lawyers:
        raise InvalidInput("joined_case_keeps_lawyers", field="lawyers")
    if body.court is not None:
        raise InvalidInput("joined_case_keeps_court", field="court")
    access = handlers.access_of(principal).only({CASE_MANAGER})
    case_id = await handlers.accept_referral_into_case(deps, ctx, access, referral_id=referral_id,
                                                       organisation=organisation, case_id=body.case_id)
    return CaseOpenedPublic(case_id=case_id)


@router.post("/{referral_id}/decline", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
async def decline_referral(referral_id: ReferralId, body: ReferralDecline, principal: CaseManager, deps: AppDeps,
                           request: Request) -> None:
    """Decline a pending referral with a reason code."""
    await handlers.decline_referral(deps, command_context(principal, request), referral_id=referral_id,
                                    organisation=organisation_of(principal), reason=body.reason)
