"""The referral inbox: an organisation's case managers and lawyers accept (opening a case or joining one) or
decline the referrals addressed to it; case managers also pass them on.

A lawyer acts for themselves only: the case they open is assigned to them, the case they join is one of theirs.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, status
from servicekit.auth import Principal
from servicekit.errors import Forbidden, InvalidInput, NotFound

from .. import handlers
from ..bootstrap import Deps
from ..domain import referral as rules
from ..domain.access import CASE_MANAGER, LAWYER
from ..domain.referral import REFERRAL, Referral
from .deps import WRITE_ERRORS, AppDeps, CaseManager, CaseWorker, ReferralId, command_context, organisation_of
from .schemas import CaseOpenedPublic, ReferralAccept, ReferralDecline, ReferralPublic, ReferralTransfer

router = APIRouter(prefix="/referrals", tags=["referrals"])
Status = Annotated[Literal["pending", "accepted", "declined"], Query(alias="status")]
ERRORS = WRITE_ERRORS


async def referral_public(deps: Deps, found: Referral) -> ReferralPublic:
    """A referral with the organisations it may be passed on to (from the victim's latest consent)."""
    sharing = (await deps.victims.status(found.victim_id)).sharing if found.status == "pending" else None
    return ReferralPublic.model_validate({**found.model_dump(),
                                          "can_transfer_to": rules.transfer_targets(found, sharing)})


async def audit_referral_read(deps: Deps, principal: Principal, found: Referral, purpose: str) -> None:
    """One read of a referral, for the organisation that referred the victim to see."""
    await handlers.audit(deps, principal, action="referral.read", resource_type="referral", resource_id=found.id,
                         purpose=purpose, allowed=True, owner=found.referring_organisation)


def lawyers_of_new_case(principal: Principal, lawyers: list[str]) -> list[str]:
    """Case managers assign whom they name; a lawyer who is not one takes the case for themselves only."""
    if CASE_MANAGER in principal.roles:
        return lawyers
    if lawyers and lawyers != [principal.subject]:
        raise Forbidden("lawyer_accepts_for_self", field="lawyers")
    return [principal.subject]


@router.get("", response_model=list[ReferralPublic], responses={401: {}, 403: {}, 422: {}})
async def list_referrals(principal: CaseWorker, deps: AppDeps,
                         status_: Status = "pending",
                         limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[ReferralPublic]:
    """The inbox: pending referrals addressed to the caller's organisation, or those it decided."""
    found = await deps.queries.referrals(status=status_, organisation=principal.organisation, limit=limit)
    await handlers.audit_reads(deps, principal, action="referral.read", resource_type="referral",
                               resource_ids=[r.id for r in found], purpose="referral inbox",
                               owners=[r.referring_organisation for r in found])
    return [await referral_public(deps, entry) for entry in found]


@router.get("/{referral_id}", response_model=ReferralPublic, responses={401: {}, 403: {}, 404: {}})
async def read_referral(referral_id: ReferralId, principal: CaseWorker, deps: AppDeps) -> ReferralPublic:
    """One referral: pending ones to their addressee, decided ones to the deciding organisation."""
    found = (await deps.store.load(REFERRAL, referral_id)).state
    if found is None or not rules.sees(found, principal.organisation):
        raise NotFound("referral_not_found")
    await audit_referral_read(deps, principal, found, "referral")
    return await referral_public(deps, found)


@router.post("/{referral_id}/accept", status_code=status.HTTP_201_CREATED, response_model=CaseOpenedPublic,
             responses=ERRORS)
async def accept_referral(referral_id: ReferralId, body: ReferralAccept, principal: CaseWorker, deps: AppDeps,
                          request: Request) -> CaseOpenedPublic:
    """Accept a pending referral addressed to the caller's organisation: opens its case with the lawyers named
    (a lawyer: assigned to themselves) or, with `case_id`, adds the victim to that open case of the organisation
    (a lawyer: one assigned to them) (404 unknown case or referral addressed elsewhere, 409 closed or flagged
    case, victim already in it or no consent to share with the organisation; a retried acceptance changes
    nothing)."""
    ctx, organisation = command_context(principal, request), organisation_of(principal)
    if body.case_id is None:
        case_id = await handlers.accept_referral(deps, ctx, referral_id=referral_id, organisation=organisation,
                                                 lawyers=lawyers_of_new_case(principal, body.lawyers),
                                                 court=body.court)
        return CaseOpenedPublic(case_id=case_id)
    if body.lawyers:
        raise InvalidInput("joined_case_keeps_lawyers", field="lawyers")
    if body.court is not None:
        raise InvalidInput("joined_case_keeps_court", field="court")
    access = handlers.access_of(principal).only({CASE_MANAGER, LAWYER})
    case_id = await handlers.accept_referral_into_case(deps, ctx, access, referral_id=referral_id,
                                                       organisation=organisation, case_id=body.case_id)
    return CaseOpenedPublic(case_id=case_id)


@router.post("/{referral_id}/decline", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
async def decline_referral(referral_id: ReferralId, body: ReferralDecline, principal: CaseWorker, deps: AppDeps,
                           request: Request) -> None:
    """Decline a pending referral addressed to the caller's organisation, with a reason code."""
    await handlers.decline_referral(deps, command_context(principal, request), referral_id=referral_id,
                                    organisation=organisation_of(principal), reason=body.reason)


@router.post("/{referral_id}/transfer", response_model=ReferralPublic, responses=ERRORS)
async def transfer_referral(referral_id: ReferralId, body: ReferralTransfer, principal: CaseManager, deps: AppDeps,
                            request: Request) -> ReferralPublic:
    """Pass a pending referral on to another legal-aid organisation the victim consented to share with (422 not
    a legal-aid organisation, 409 one outside her consent); it leaves the caller's inbox."""
    moved = await handlers.transfer_referral(deps, command_context(principal, request), referral_id=referral_id,
                                             organisation=organisation_of(principal), to=body.organisation)
    return await referral_public(deps, moved)
