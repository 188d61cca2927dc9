"""Sessions: educators record the sessions their organisation held and read them back."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from servicekit.api import IdempotencyKey, Page, RequestKey, caller_of, organisation_of
from servicekit.errors import NotFound

from ..domain.session import SESSION
from ..handlers import sessions as handlers
from ..queries import session_page
from .deps import AppDeps, Educator, RecordId, SessionReader
from .schemas import SessionCreate, SessionFilter, SessionPublic

router = APIRouter(tags=["sessions"])


@router.post("/sessions", status_code=status.HTTP_201_CREATED, response_model=SessionPublic,
             responses={401: {}, 403: {}, 409: {}, 422: {}})
async def record_session(body: SessionCreate, principal: Educator, deps: AppDeps, request: Request,
                         idempotency_key: IdempotencyKey = None) -> Any:
    """Record a session that was held (never one still to come), its audience counted, not named."""
    caller = caller_of(principal, request)
    request_key = RequestKey.of(caller, idempotency_key, body.model_dump(mode="json"))
    return (await handlers.record_session(deps, caller, body, request_key)).state


@router.get("/sessions", response_model=Page[SessionPublic], responses={401: {}, 403: {}, 422: {}})
async def list_sessions(principal: SessionReader, deps: AppDeps, query: Annotated[SessionFilter, Query()]) -> Any:
    """Sessions of the caller's organisation (all of them for an admin), newest first, a page at a time."""
    organisation = None if "admin" in principal.roles else organisation_of(principal)
    return await session_page(deps.core.db, query.period_start, query.period_end, organisation=organisation,
                              region=query.region, cursor=query.cursor, limit=query.limit)


@router.get("/sessions/{session_id}", response_model=SessionPublic, responses={401: {}, 403: {}, 404: {}})
async def read_session(session_id: RecordId, principal: SessionReader, deps: AppDeps) -> Any:
    """One session of the caller's organisation."""
    session = (await deps.core.store.load(SESSION, session_id)).state
    if session is None or ("admin" not in principal.roles and session.organisation != principal.organisation):
        raise NotFound("session_not_found")
    return session
