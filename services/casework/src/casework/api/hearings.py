"""Hearings of a case: schedule, reschedule, record as held, cancel."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from .. import handlers
from .deps import WRITE_ERRORS, AppDeps, CaseId, CaseWorker, HearingId, command_context
from .schemas import HearingCancel, HearingCreate, HearingHeldRecord, HearingPublic, HearingReschedule

router = APIRouter(tags=["hearings"])
ERRORS = WRITE_ERRORS


def public(hearing: object) -> HearingPublic:
    return HearingPublic.model_validate(hearing, from_attributes=True)


@router.post("/cases/{case_id}/hearings", status_code=status.HTTP_201_CREATED, response_model=HearingPublic,
             responses=ERRORS)
async def schedule_hearing(case_id: CaseId, body: HearingCreate, principal: CaseWorker, deps: AppDeps,
                           request: Request) -> HearingPublic:
    """Schedule a hearing (court, chamber, date-time in Africa/Bamako, purpose); it must start in the future."""
    hearing = await handlers.schedule_hearing(deps, command_context(principal, request), principal, case_id,
                                              court=body.court, chamber=body.chamber, starts_at=body.starts_at,
                                              ends_at=body.ends_at, purpose=body.purpose)
    return public(hearing)


@router.get("/cases/{case_id}/hearings", response_model=list[HearingPublic], responses={401: {}, 403: {}, 404: {}})
async def list_case_hearings(case_id: CaseId, principal: CaseWorker, deps: AppDeps) -> list[HearingPublic]:
    """Every hearing of a case. Audited as a read of the case."""
    await handlers.read_case(deps, principal, case_id, purpose="case hearings")
    return [public(h) for h in await deps.queries.hearings_of_case(case_id)]


@router.get("/hearings/{hearing_id}", response_model=HearingPublic, responses={401: {}, 403: {}, 404: {}})
async def read_hearing(hearing_id: HearingId, principal: CaseWorker, deps: AppDeps) -> HearingPublic:
    """One hearing of a case the caller works on."""
    return public(await handlers.read_hearing(deps, principal, hearing_id, purpose="hearing"))


@router.post("/hearings/{hearing_id}/reschedule", response_model=HearingPublic, responses=ERRORS)
async def reschedule_hearing(hearing_id: HearingId, body: HearingReschedule, principal: CaseWorker, deps: AppDeps,
                             request: Request) -> HearingPublic:
    """Postpone a hearing to a new date-time in the future, with a reason code."""
    hearing = await handlers.reschedule_hearing(deps, command_context(principal, request), principal, hearing_id,
                                                starts_at=body.starts_at, ends_at=body.ends_at, reason=body.reason)
    return public(hearing)


@router.post("/hearings/{hearing_id}/held", response_model=HearingPublic, responses=ERRORS)
async def record_hearing_held(hearing_id: HearingId, body: HearingHeldRecord, principal: CaseWorker,
                              deps: AppDeps, request: Request) -> HearingPublic:
    """Record that a hearing took place (once its start has passed), with its outcome code."""
    hearing = await handlers.record_hearing_held(deps, command_context(principal, request), principal, hearing_id,
                                                 outcome=body.outcome)
    return public(hearing)


@router.post("/hearings/{hearing_id}/cancel", response_model=HearingPublic, responses=ERRORS)
async def cancel_hearing(hearing_id: HearingId, body: HearingCancel, principal: CaseWorker, deps: AppDeps,
                         request: Request) -> HearingPublic:
    """Cancel a hearing still to come, with a reason code."""
    hearing = await handlers.cancel_hearing(deps, command_context(principal, request), principal, hearing_id,
                                            reason=body.reason)
    return public(hearing)
