"""The referral inbox: an organisation's case managers and lawyers accept (opening a case or joining one) or
decline the referrals addressed to it; case managers also pass them on.

A lawyer acts for themselves only: the case they open is assigned to them, the case they join is one of theirs.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, status
from servicekit.api import Caller, IdempotencyKey, Page, PageCursor, PageLimit, RequestKey, caller_of
from servicekit.commands import audit, audit_reads
from servicekit.errors import Forbidden, InvalidInput, NotFound

from .. import handlers
from ..bootstrap import Deps
from ..domain import referral as rules
from ..domain.access import CASE_MANAGER
from ..domain.referral import REFERRAL, Referral
from .deps import WRITE_ERRORS, AppDeps, CaseManager, CaseWorker, ReferralId
from .schemas import CaseOpenedPublic, ReferralAccept, ReferralDecline, ReferralPublic, ReferralTransfer, public

router = APIRouter(prefix="/referrals", tags=["referrals"])
Status = Annotated[Literal["pending", "accepted", "declined"], Query(alias="status")]
ERRORS = WRITE_ERRORS


async def referral_public(deps: Deps, found: Referral) -> ReferralPublic:
    """A referral with the organisations it may be passed on to (from the victim's latest consent)."""
    sharing = (await deps.victims.status(found.victim_id)).sharing if found.status == "pending" else None
    return public(ReferralPublic, found, can_transfer_to=rules.transfer_targets(found, sharing))


def lawyers_of_new_case(caller: Caller, lawyers: list[str]) -> list[str]:
    """Case managers assign whom they name; a lawyer who is not one takes the case for themselves only."""
    if CASE_MANAGER in caller.roles:
        return lawyers
    if lawyers and lawyers != [caller.subject]:
        raise Forbidden("lawyer_accepts_for_self", field="lawyers")
    return [caller.subject]


@router.get("", response_model=Page[ReferralPublic], responses={401: {}, 403: {}, 422: {}})
async def list_referrals(principal: CaseWorker, deps: AppDeps, request: Request, status_: Status = "pending",
                         limit: PageLimit = 50, cursor: PageCursor = None) -> Page[ReferralPublic]:
    """The inbox, a page at a time: pending referrals addressed to the caller's organisation, or those it
    decided, oldest first."""
    caller = caller_of(principal, request, needs_organisation=False)
    found, next_cursor = await deps.queries.referrals(status=status_, organisation=caller.organisation,
                                                      cursor=cursor, limit=limit)
    await audit_reads(deps.core.audit, caller, "referral.read", "referral", [r.id for r in found],
                      purpose="referral inbox", owners=[r.referring_organisation for r in found])
    return Page(items=[await referral_public(deps, entry) for entry in found], next_cursor=next_cursor)


@router.get("/{referral_id}", response_model=ReferralPublic, responses={401: {}, 403: {}, 404: {}})
async def read_referral(referral_id: ReferralId, principal: CaseWorker, deps: AppDeps,
                        request: Request) -> ReferralPublic:
    """One referral: pending ones to their addressee, decided ones to the deciding organisation."""
    caller = caller_of(principal, request, needs_organisation=False)
    found = (await deps.core.store.load(REFERRAL, referral_id)).state
    if found is None or not rules.sees(found, caller.organisation):
        raise NotFound("referral_not_found")
    # Audited for the organisation that referred the victim to see.
    await audit(deps.core.audit, caller, "referral.read", "referral", found.id, purpose="referral", allowed=True,
                owner=found.referring_organisation)
    return await referral_public(deps, found)


@router.post("/{referral_id}/accept", status_code=status.HTTP_201_CREATED, response_model=CaseOpenedPublic,
             responses=ERRORS)
async def accept_referral(referral_id: ReferralId, body: ReferralAccept, principal: CaseWorker, deps: AppDeps,
                          request: Request, idempotency_key: IdempotencyKey = None) -> CaseOpenedPublic:
    """Accept a pending referral addressed to the caller's organisation: opens its case with the lawyers named
    (a lawyer: assigned to themselves) or, with `case_id`, adds the victim to that open case of the organisation
    (a lawyer: one assigned to them) (404 unknown case or referral addressed elsewhere, 409 closed or flagged
    case, victim already in it or no consent to share with the organisation; a retried acceptance changes
    nothing)."""
    caller = caller_of(principal, request)
    key = RequestKey.of(caller, idempotency_key, body.model_dump(mode="json"))
    if body.case_id is None:
        case_id = await handlers.accept_referral(deps, caller, key, referral_id=referral_id,
                                                 lawyers=lawyers_of_new_case(caller, body.lawyers), court=body.court)
        return CaseOpenedPublic(case_id=case_id)
    if body.lawyers:
        raise InvalidInput("joined_case_keeps_lawyers", field="lawyers")
    if body.court is not None:
        raise InvalidInput("joined_case_keeps_court", field="court")
    case_id = await handlers.accept_referral_into_case(deps, caller, key, referral_id=referral_id,
                                                       case_id=body.case_id)
    return CaseOpenedPublic(case_id=case_id)


@router.post("/{referral_id}/decline", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
async def decline_referral(referral_id: ReferralId, body: ReferralDecline, principal: CaseWorker, deps: AppDeps,
                           request: Request, idempotency_key: IdempotencyKey = None) -> None:
    """Decline a pending referral addressed to the caller's organisation, with a reason code."""
    caller = caller_of(principal, request)
    key = RequestKey.of(caller, idempotency_key, body.model_dump(mode="json"))
    await handlers.decline_referral(deps, caller, key, referral_id=referral_id, reason=body.reason)


@router.post("/{referral_id}/transfer", response_model=ReferralPublic, responses=ERRORS)
async def transfer_referral(referral_id: ReferralId, body: ReferralTransfer, principal: CaseManager, deps: AppDeps,
                            request: Request, idempotency_key: IdempotencyKey = None) -> ReferralPublic:
    """Pass a pending referral on to another legal-aid organisation the victim consented to share with (422 not
    a legal-aid organisation, 409 one outside her consent); it leaves the caller's inbox."""
    caller = caller_of(principal, request)
    key = RequestKey.of(caller, idempotency_key, body.model_dump(mode="json"))
    moved = await handlers.transfer_referral(deps, caller, key, referral_id=referral_id, to=body.organisation)
    return await referral_public(deps, moved)
