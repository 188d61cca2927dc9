"""Advocacy actions and recommendations: officers write their organisation's records, readers read them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, status
from servicekit.errors import NotFound

from .. import handlers
from ..domain.action import ACTION
from ..domain.recommendation import RECOMMENDATION
from .deps import AggregateReader, AppDeps, IdempotencyKey, Officer, command_context, organisation_of
from .schemas import (
    ActionCreate,
    ActionPublic,
    RecommendationCreate,
    RecommendationPublic,
    StatusChange,
)

router = APIRouter(tags=["advocacy"])
PathId = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,64}$")]
LIST_LIMIT = 500


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if not k.startswith("_")} | {"id": doc["_id"]}


@router.post("/actions", status_code=status.HTTP_201_CREATED, response_model=ActionPublic,
             responses={401: {}, 403: {}, 422: {}})
async def log_action(body: ActionCreate, principal: Officer, deps: AppDeps, request: Request,
                     idempotency_key: IdempotencyKey = None) -> ActionPublic:
    """Log an action taken towards a body; the cited indicators are frozen as they stand now."""
    action = await handlers.log_action(
        deps, command_context(principal, request), organisation=organisation_of(principal),
        idempotency_key=idempotency_key, target_body=body.target_body, action_type=body.action_type,
        taken_on=body.taken_on, title=body.title, summary=body.summary, attachments=body.attachments,
        cited=[c.model_dump() for c in body.cited_indicators], recommendation_ids=body.recommendation_ids)
    return ActionPublic.model_validate(action.model_dump())


@router.get("/actions", response_model=list[ActionPublic], responses={401: {}, 403: {}})
async def list_actions(principal: AggregateReader, deps: AppDeps, target_body: str | None = None,
                       organisation: str | None = None) -> list[dict[str, Any]]:
    """Logged actions, newest first, optionally for one target body or organisation."""
    criteria = {k: v for k, v in (("target_body", target_body), ("organisation", organisation)) if v}
    docs = deps.core.db[ACTION.collection].find(criteria, sort=[("taken_on", -1)], limit=LIST_LIMIT)
    return [_public(doc) async for doc in docs]


@router.get("/actions/{action_id}", response_model=ActionPublic, responses={401: {}, 403: {}, 404: {}})
async def read_action(action_id: PathId, principal: AggregateReader, deps: AppDeps) -> ActionPublic:
    """One logged action with its frozen snapshots."""
    loaded = await deps.store.load(ACTION, action_id)
    if loaded.state is None:
        raise NotFound("action_not_found")
    return ActionPublic.model_validate(loaded.state.model_dump())


@router.post("/recommendations", status_code=status.HTTP_201_CREATED, response_model=RecommendationPublic,
             responses={401: {}, 403: {}, 422: {}})
async def make_recommendation(body: RecommendationCreate, principal: Officer, deps: AppDeps, request: Request,
                              idempotency_key: IdempotencyKey = None) -> RecommendationPublic:
    """Record a recommendation made to a body (status 'made')."""
    recommendation = await handlers.make_recommendation(
        deps, command_context(principal, request), organisation=organisation_of(principal),
        idempotency_key=idempotency_key, addressee=body.addressee, text=body.text, made_on=body.made_on,
        source=body.source)
    return RecommendationPublic.model_validate(recommendation.model_dump())


@router.post("/recommendations/{recommendation_id}/status", response_model=RecommendationPublic,
             responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}})
async def change_status(recommendation_id: PathId, body: StatusChange, principal: Officer, deps: AppDeps,
                        request: Request, idempotency_key: IdempotencyKey = None) -> RecommendationPublic:
    """Record a new follow-up status of one of the caller's organisation's recommendations."""
    recommendation = await handlers.change_recommendation_status(
        deps, command_context(principal, request), recommendation_id, organisation=organisation_of(principal),
        idempotency_key=idempotency_key, to_status=body.to_status, changed_on=body.changed_on, note=body.note,
        evidence=body.evidence)
    return RecommendationPublic.model_validate(recommendation.model_dump())


@router.get("/recommendations", response_model=list[RecommendationPublic], responses={401: {}, 403: {}})
async def list_recommendations(principal: AggregateReader, deps: AppDeps, status: str | None = None,
                               addressee: str | None = None) -> list[dict[str, Any]]:
    """Recommendations, newest first, optionally by status or addressee."""
    criteria = {k: v for k, v in (("status", status), ("addressee", addressee)) if v}
    docs = deps.core.db[RECOMMENDATION.collection].find(criteria, sort=[("made_on", -1)], limit=LIST_LIMIT)
    return [_public(doc) async for doc in docs]


@router.get("/recommendations/{recommendation_id}", response_model=RecommendationPublic,
            responses={401: {}, 403: {}, 404: {}})
async def read_recommendation(recommendation_id: PathId, principal: AggregateReader,
                              deps: AppDeps) -> RecommendationPublic:
    """One recommendation with its status history."""
    loaded = await deps.store.load(RECOMMENDATION, recommendation_id)
    if loaded.state is None:
        raise NotFound("recommendation_not_found")
    return RecommendationPublic.model_validate(loaded.state.model_dump())
