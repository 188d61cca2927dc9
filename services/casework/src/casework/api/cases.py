"""Cases: reading (audited), stages, lawyers, court, privileged notes and the victim's name."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from servicekit.api import IdempotencyKey, Page, PageCursor, PageLimit, caller_of
from servicekit.commands import audit_reads

from .. import handlers
from ..domain.access import CASE_MANAGER
from ..domain.case import Case
from ..domain.collective import moves_allowed
from ..domain.procedure import tracks
from .deps import WRITE_ERRORS, AppDeps, CaseId, CaseManager, CaseWorker, Lawyer, LawyerPathId, VictimId, keyed
from .schemas import (
    CasePublic,
    CourtChange,
    LawyerAssign,
    NoteCreate,
    NoteCreated,
    NotePublic,
    StageChange,
    VictimNamePublic,
    public,
)

router = APIRouter(prefix="/cases", tags=["cases"])
ERRORS = WRITE_ERRORS
NO_STORE = "no-store"


def case_public(case: Case) -> CasePublic:
    """A case with the next stages allowed on each track, by the procedure and by its victims' consent."""
    return public(CasePublic, case, allowed_next={code: moves_allowed(case, code) for code in tracks()})


@router.get("", response_model=Page[CasePublic], responses={401: {}, 403: {}, 422: {}})
async def list_cases(principal: CaseWorker, deps: AppDeps, request: Request,
                     status_: Annotated[Literal["open", "closed"] | None, Query(alias="status")] = None,
                     limit: PageLimit = 50, cursor: PageCursor = None) -> Page[CasePublic]:
    """A page of the cases the caller sees, latest opened first: assigned ones (lawyers), the organisation's
    (case managers). Each read is audited."""
    caller = caller_of(principal, request, needs_organisation=False)
    found, next_cursor = await deps.queries.cases(handlers.access_of(caller), status=status_, cursor=cursor,
                                                  limit=limit)
    await audit_reads(deps.core.audit, caller, "case.read", "case", [c.id for c in found], purpose="case list")
    return Page(items=[case_public(case) for case in found], next_cursor=next_cursor)


@router.get("/{case_id}", response_model=CasePublic, responses={401: {}, 403: {}, 404: {}})
async def read_case(case_id: CaseId, principal: CaseWorker, deps: AppDeps, request: Request) -> CasePublic:
    """One case; someone else's case is a 404. Audited."""
    caller = caller_of(principal, request, needs_organisation=False)
    return case_public(await handlers.read_case(deps, caller, case_id))


@router.post("/{case_id}/stage", response_model=CasePublic, responses=ERRORS)
async def change_stage(case_id: CaseId, body: StageChange, principal: CaseWorker, deps: AppDeps,
                       request: Request, idempotency_key: IdempotencyKey = None) -> CasePublic:
    """Move a track to its next stage; an invalid move is a 409 naming the allowed next stages."""
    caller, key = keyed(principal, request, idempotency_key, body.model_dump(mode="json"))
    case = await handlers.change_stage(deps, caller, key, handlers.access_of(caller), case_id, track=body.track,
                                       to_stage=body.to_stage, closure_reason=body.closure_reason,
                                       effective_on=body.effective_on)
    return case_public(case)


@router.post("/{case_id}/lawyers", response_model=CasePublic, responses=ERRORS)
async def assign_lawyer(case_id: CaseId, body: LawyerAssign, principal: CaseManager, deps: AppDeps,
                        request: Request, idempotency_key: IdempotencyKey = None) -> CasePublic:
    """Assign one more lawyer; assigning someone already on the case is a 409."""
    caller, key = keyed(principal, request, idempotency_key, body.model_dump(mode="json"))
    access = handlers.access_of(caller).only({CASE_MANAGER})
    return case_public(await handlers.assign_lawyer(deps, caller, key, access, case_id, lawyer_id=body.lawyer_id))


@router.delete("/{case_id}/lawyers/{lawyer_id}", response_model=CasePublic, responses=ERRORS)
async def unassign_lawyer(case_id: CaseId, lawyer_id: LawyerPathId, principal: CaseManager, deps: AppDeps,
                          request: Request, idempotency_key: IdempotencyKey = None) -> CasePublic:
    """Take a lawyer off a case (a case keeps at least one)."""
    caller, key = keyed(principal, request, idempotency_key, {"lawyer_id": lawyer_id})
    access = handlers.access_of(caller).only({CASE_MANAGER})
    return case_public(await handlers.unassign_lawyer(deps, caller, key, access, case_id, lawyer_id=lawyer_id))


@router.put("/{case_id}/court", response_model=CasePublic, responses=ERRORS)
async def change_court(case_id: CaseId, body: CourtChange, principal: CaseWorker, deps: AppDeps,
                       request: Request, idempotency_key: IdempotencyKey = None) -> CasePublic:
    """Record the court now seized of the case."""
    caller, key = keyed(principal, request, idempotency_key, body.model_dump(mode="json"))
    case = await handlers.change_court(deps, caller, key, handlers.access_of(caller), case_id, court=body.court)
    return case_public(case)


@router.post("/{case_id}/notes", status_code=status.HTTP_201_CREATED, response_model=NoteCreated, responses=ERRORS)
async def add_note(case_id: CaseId, body: NoteCreate, principal: Lawyer, deps: AppDeps, request: Request,
                   idempotency_key: IdempotencyKey = None) -> NoteCreated:
    """Add a privileged note (lawyers of the case only); encrypted at rest."""
    # The note's text enters the fingerprint only: the store keeps a digest, never the text.
    caller, key = keyed(principal, request, idempotency_key, body.model_dump(mode="json"))
    return NoteCreated(id=await handlers.add_note(deps, caller, key, case_id, text=body.text,
                                                  victim_id=body.victim_id))


@router.get("/{case_id}/notes", response_model=list[NotePublic], responses={401: {}, 403: {}, 404: {}})
async def read_notes(case_id: CaseId, principal: Lawyer, deps: AppDeps, request: Request,
                     response: Response) -> list[NotePublic]:
    """The privileged notes of a case, for its lawyers only. Audited."""
    response.headers["Cache-Control"] = NO_STORE
    notes = await handlers.read_notes(deps, caller_of(principal, request, needs_organisation=False), case_id)
    return [NotePublic(id=n.id, author=n.author, created_at=n.created_at, text=n.text, victim_id=n.victim_id)
            for n in notes]


@router.get("/{case_id}/victims/{victim_id}/name", response_model=VictimNamePublic,
            responses={401: {}, 403: {}, 404: {}, 410: {}, 503: {}})
async def reveal_victim_name(case_id: CaseId, victim_id: VictimId, principal: Lawyer, deps: AppDeps,
                             request: Request, response: Response) -> VictimNamePublic:
    """A victim's name for a lawyer of the case, decrypted through intake's key path now; audited, not stored."""
    response.headers["Cache-Control"] = NO_STORE
    caller = caller_of(principal, request, needs_organisation=False)
    name = await handlers.reveal_victim_name(deps, caller, case_id, victim_id)
    return VictimNamePublic(victim_id=victim_id, name=name)
