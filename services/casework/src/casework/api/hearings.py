"""Hearings of a case: schedule, reschedule, record as held, cancel."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from servicekit.api import IdempotencyKey, Page, PageCursor, PageLimit, caller_of

from .. import handlers
from .deps import WRITE_ERRORS, AppDeps, CaseId, CaseWorker, HearingId, keyed
from .schemas import HearingCancel, HearingCreate, HearingHeldRecord, HearingPublic, HearingReschedule, public

router = APIRouter(tags=["hearings"])
ERRORS = WRITE_ERRORS


@router.post("/cases/{case_id}/hearings", status_code=status.HTTP_201_CREATED, response_model=HearingPublic,
             responses=ERRORS)
async def schedule_hearing(case_id: CaseId, body: HearingCreate, principal: CaseWorker, deps: AppDeps,
                           request: Request, idempotency_key: IdempotencyKey = None) -> HearingPublic:
    """Schedule a hearing (court, chamber, date-time in Africa/Bamako, purpose); it must start in the future."""
    caller, key = keyed(principal, request, idempotency_key, body.model_dump(mode="json"))
    hearing = await handlers.schedule_hearing(deps, caller, key, case_id, court=body.court, chamber=body.chamber,
                                              starts_at=body.starts_at, ends_at=body.ends_at, purpose=body.purpose)
    return public(HearingPublic, hearing)


@router.get("/cases/{case_id}/hearings", response_model=Page[HearingPublic],
            responses={401: {}, 403: {}, 404: {}, 422: {}})
async def list_case_hearings(case_id: CaseId, principal: CaseWorker, deps: AppDeps, request: Request,
                             limit: PageLimit = 50, cursor: PageCursor = None) -> Page[HearingPublic]:
    """A page of the hearings of a case, in time order. Audited as a read of the case."""
    await handlers.read_case(deps, caller_of(principal, request, needs_organisation=False), case_id,
                             purpose="case hearings")
    found, next_cursor = await deps.queries.hearings_of_case(case_id, cursor=cursor, limit=limit)
    return Page(items=[public(HearingPublic, h) for h in found], next_cursor=next_cursor)


@router.get("/hearings/{hearing_id}", response_model=HearingPublic, responses={401: {}, 403: {}, 404: {}})
async def read_hearing(hearing_id: HearingId, principal: CaseWorker, deps: AppDeps, request: Request) -> HearingPublic:
    """One hearing of a case the caller works on."""
    caller = caller_of(principal, request, needs_organisation=False)
    return public(HearingPublic, await handlers.read_hearing(deps, caller, hearing_id, purpose="hearing"))


@router.post("/hearings/{hearing_id}/reschedule", response_model=HearingPublic, responses=ERRORS)
async def reschedule_hearing(hearing_id: HearingId, body: HearingReschedule, principal: CaseWorker, deps: AppDeps,
                             request: Request, idempotency_key: IdempotencyKey = None) -> HearingPublic:
    """Postpone a hearing to a new date-time in the future, with a reason code."""
    caller, key = keyed(principal, request, idempotency_key, body.model_dump(mode="json"))
    hearing = await handlers.reschedule_hearing(deps, caller, key, hearing_id, starts_at=body.starts_at,
                                                ends_at=body.ends_at, reason=body.reason)
    return public(HearingPublic, hearing)


@router.post("/hearings/{hearing_id}/held", response_model=HearingPublic, responses=ERRORS)
async def record_hearing_held(hearing_id: HearingId, body: HearingHeldRecord, principal: CaseWorker,
                              deps: AppDeps, request: Request, idempotency_key: IdempotencyKey = None) -> HearingPublic:
    """Record that a hearing took place (once its start has passed), with its outcome code."""
    caller, key = keyed(principal, request, idempotency_key, body.model_dump(mode="json"))
    held = await handlers.record_hearing_held(deps, caller, key, hearing_id, outcome=body.outcome)
    return public(HearingPublic, held)


@router.post("/hearings/{hearing_id}/cancel", response_model=HearingPublic, responses=ERRORS)
async def cancel_hearing(hearing_id: HearingId, body: HearingCancel, principal: CaseWorker, deps: AppDeps,
                         request: Request, idempotency_key: IdempotencyKey = None) -> HearingPublic:
    """Cancel a hearing still to come, with a reason code."""
    caller, key = keyed(principal, request, idempotency_key, body.model_dump(mode="json"))
    return public(HearingPublic, await handlers.cancel_hearing(deps, caller, key, hearing_id, reason=body.reason))
