"""Reparations of a case: requested, awarded, paid (amounts in whole XOF)."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from servicekit.api import IdempotencyKey, Page, PageCursor, PageLimit, caller_of

from .. import handlers
from .deps import WRITE_ERRORS, AppDeps, CaseId, CaseWorker, ReparationId, keyed
from .schemas import PaymentCreate, ReparationAward, ReparationCreate, ReparationPublic, public

router = APIRouter(tags=["reparations"])
ERRORS = WRITE_ERRORS


@router.post("/cases/{case_id}/reparations", status_code=status.HTTP_201_CREATED, response_model=ReparationPublic,
             responses=ERRORS)
async def request_reparation(case_id: CaseId, body: ReparationCreate, principal: CaseWorker, deps: AppDeps,
                             request: Request, idempotency_key: IdempotencyKey = None) -> ReparationPublic:
    """Record a reparation measure requested for the victims of a case."""
    caller, key = keyed(principal, request, idempotency_key, body.model_dump(mode="json"))
    found = await handlers.request_reparation(deps, caller, key, case_id, measure=body.measure,
                                              requested_amount_xof=body.requested_amount_xof)
    return public(ReparationPublic, found)


@router.get("/cases/{case_id}/reparations", response_model=Page[ReparationPublic],
            responses={401: {}, 403: {}, 404: {}, 422: {}})
async def list_case_reparations(case_id: CaseId, principal: CaseWorker, deps: AppDeps, request: Request,
                                limit: PageLimit = 50, cursor: PageCursor = None) -> Page[ReparationPublic]:
    """A page of the reparations of a case, in the order requested. Audited as a read of the case."""
    await handlers.read_case(deps, caller_of(principal, request, needs_organisation=False), case_id,
                             purpose="case reparations")
    found, next_cursor = await deps.queries.reparations_of_case(case_id, cursor=cursor, limit=limit)
    return Page(items=[public(ReparationPublic, r) for r in found], next_cursor=next_cursor)


@router.get("/reparations/{reparation_id}", response_model=ReparationPublic, responses={401: {}, 403: {}, 404: {}})
async def read_reparation(reparation_id: ReparationId, principal: CaseWorker, deps: AppDeps,
                          request: Request) -> ReparationPublic:
    """One reparation of a case the caller works on."""
    caller = caller_of(principal, request, needs_organisation=False)
    return public(ReparationPublic, await handlers.read_reparation(deps, caller, reparation_id, purpose="reparation"))


@router.post("/reparations/{reparation_id}/award", response_model=ReparationPublic, responses=ERRORS)
async def award_reparation(reparation_id: ReparationId, body: ReparationAward, principal: CaseWorker,
                           deps: AppDeps, request: Request, idempotency_key: IdempotencyKey = None) -> ReparationPublic:
    """Record the award (deciding court, date, amount for compensation)."""
    caller, key = keyed(principal, request, idempotency_key, body.model_dump(mode="json"))
    found = await handlers.award_reparation(deps, caller, key, reparation_id, amount_xof=body.amount_xof,
                                            awarded_by=body.awarded_by, awarded_on=body.awarded_on)
    return public(ReparationPublic, found)


@router.post("/reparations/{reparation_id}/payments", response_model=ReparationPublic, responses=ERRORS)
async def record_payment(reparation_id: ReparationId, body: PaymentCreate, principal: CaseWorker, deps: AppDeps,
                         request: Request, idempotency_key: IdempotencyKey = None) -> ReparationPublic:
    """Record a payment (in full or in part) or that nothing was paid."""
    caller, key = keyed(principal, request, idempotency_key, body.model_dump(mode="json"))
    found = await handlers.record_payment(deps, caller, key, reparation_id, payment_status=body.payment_status,
                                          amount_xof=body.amount_xof, paid_on=body.paid_on)
    return public(ReparationPublic, found)
