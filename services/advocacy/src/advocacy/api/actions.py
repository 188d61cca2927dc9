"""Advocacy actions: officers log their organisation's actions, readers list and read them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from servicekit.api import IdempotencyKey, Page, PageCursor, PageLimit, RequestKey, caller_of
from servicekit.errors import NotFound

from .. import queries
from ..domain.action import ACTION
from ..handlers import actions
from .deps import AggregateReader, AppDeps, Officer, PathId
from .schemas import ActionCreate, ActionPublic

router = APIRouter(prefix="/actions", tags=["advocacy"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ActionPublic,
             responses={401: {}, 403: {}, 409: {}, 422: {}})
async def log_action(body: ActionCreate, principal: Officer, deps: AppDeps, request: Request,
                     idempotency_key: IdempotencyKey = None) -> Any:
    """Log an action taken towards a body; the cited indicators are frozen as they stand now."""
    caller = caller_of(principal, request)
    return await actions.log_action(
        deps, caller, RequestKey.of(caller, idempotency_key, body.model_dump(mode="json")),
        target_body=body.target_body, action_type=body.action_type, taken_on=body.taken_on, title=body.title,
        summary=body.summary, attachments=body.attachments, cited=[c.model_dump() for c in body.cited_indicators],
        recommendation_ids=body.recommendation_ids)


@router.get("", response_model=Page[ActionPublic], responses={401: {}, 403: {}, 422: {}})
async def list_actions(principal: AggregateReader, deps: AppDeps, target_body: str | None = None,
                       organisation: str | None = None, cursor: PageCursor = None,
                       limit: PageLimit = queries.DEFAULT_PAGE) -> Any:
    """Logged actions, newest first, optionally towards one body or of one organisation, a page at a time."""
    return await queries.actions(deps.core.db, target_body=target_body, organisation=organisation, cursor=cursor,
                                 limit=limit)


@router.get("/{action_id}", response_model=ActionPublic, responses={401: {}, 403: {}, 404: {}})
async def read_action(action_id: PathId, principal: AggregateReader, deps: AppDeps) -> Any:
    """One logged action with its frozen snapshots."""
    action = (await deps.core.store.load(ACTION, action_id)).state
    if action is None:
        raise NotFound("action_not_found")
    return action
