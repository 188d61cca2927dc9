"""Recommendations to the State and other bodies: officers make and follow them up, readers read them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from servicekit.api import IdempotencyKey, Page, PageCursor, PageLimit, RequestKey, caller_of
from servicekit.errors import NotFound

from .. import queries
from ..domain.recommendation import RECOMMENDATION
from ..handlers import recommendations
from .deps import AggregateReader, AppDeps, Officer, PathId
from .schemas import RecommendationCreate, RecommendationPublic, StatusChange

router = APIRouter(prefix="/recommendations", tags=["advocacy"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=RecommendationPublic,
             responses={401: {}, 403: {}, 409: {}, 422: {}})
async def make_recommendation(body: RecommendationCreate, principal: Officer, deps: AppDeps, request: Request,
                              idempotency_key: IdempotencyKey = None) -> Any:
    """Record a recommendation made to a body (status 'made')."""
    caller = caller_of(principal, request)
    return await recommendations.make_recommendation(
        deps, caller, RequestKey.of(caller, idempotency_key, body.model_dump(mode="json")),
        addressee=body.addressee, text=body.text, made_on=body.made_on, source=body.source)


@router.post("/{recommendation_id}/status", response_model=RecommendationPublic,
             responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}})
async def change_status(recommendation_id: PathId, body: StatusChange, principal: Officer, deps: AppDeps,
                        request: Request, idempotency_key: IdempotencyKey = None) -> Any:
    """Record a new follow-up status of one of the caller's organisation's recommendations."""
    caller = caller_of(principal, request)
    return await recommendations.change_recommendation_status(
        deps, caller, RequestKey.of(caller, idempotency_key, body.model_dump(mode="json")), recommendation_id,
        to_status=body.to_status, changed_on=body.changed_on, note=body.note, evidence=body.evidence)


@router.get("", response_model=Page[RecommendationPublic], responses={401: {}, 403: {}, 422: {}})
async def list_recommendations(principal: AggregateReader, deps: AppDeps, status: str | None = None,
                               addressee: str | None = None, cursor: PageCursor = None,
                               limit: PageLimit = queries.DEFAULT_PAGE) -> Any:
    """Recommendations, newest first, optionally by status or addressee, a page at a time."""
    return await queries.recommendations(deps.core.db, status=status, addressee=addressee, cursor=cursor,
                                         limit=limit)


@router.get("/{recommendation_id}", response_model=RecommendationPublic, responses={401: {}, 403: {}, 404: {}})
async def read_recommendation(recommendation_id: PathId, principal: AggregateReader, deps: AppDeps) -> Any:
    """One recommendation with its status history."""
    recommendation = (await deps.core.store.load(RECOMMENDATION, recommendation_id)).state
    if recommendation is None:
        raise NotFound("recommendation_not_found")
    return recommendation
