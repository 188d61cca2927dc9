"""Sessions and campaigns: educators write their organisation's records; aggregates for analysts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from servicekit.errors import NotFound

from .. import handlers
from ..domain.campaign import CAMPAIGN, Campaign
from ..domain.reach import campaign_progress
from ..domain.session import SESSION
from ..queries import sessions_in
from .deps import AggregateReader, AppDeps, Educator, IdempotencyKey, SessionReader, command_context, organisation_of
from .schemas import CampaignCreate, CampaignProgress, CampaignPublic, SessionCreate, SessionFilter, SessionPublic

router = APIRouter(tags=["education"])
PathId = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,64}$")]
LIST_LIMIT = 500


@router.post("/sessions", status_code=status.HTTP_201_CREATED, response_model=SessionPublic,
             responses={401: {}, 403: {}, 422: {}})
async def record_session(body: SessionCreate, principal: Educator, deps: AppDeps, request: Request,
                         idempotency_key: IdempotencyKey = None) -> SessionPublic:
    """Record a session that was held (never one still to come), its audience counted, not named."""
    session = await handlers.record_session(
        deps, command_context(principal, request), organisation=organisation_of(principal),
        idempotency_key=idempotency_key, **body.model_dump(exclude={"audience", "quiz"}),
        audience=body.audience, quiz=body.quiz)
    return SessionPublic.model_validate(session.model_dump())


@router.get("/sessions", response_model=list[SessionPublic], responses={401: {}, 403: {}, 422: {}})
async def list_sessions(principal: SessionReader, deps: AppDeps,
                        query: Annotated[SessionFilter, Query()]) -> list[Any]:
    """Sessions of the caller's organisation (all of them for an admin), newest first."""
    organisation = None if "admin" in principal.roles else organisation_of(principal)
    found = await sessions_in(deps, query.period_start, query.period_end, organisation=organisation,
                              region=query.region, limit=LIST_LIMIT)
    return sorted(found, key=lambda s: s.held_on, reverse=True)


@router.get("/sessions/{session_id}", response_model=SessionPublic, responses={401: {}, 403: {}, 404: {}})
async def read_session(session_id: PathId, principal: SessionReader, deps: AppDeps) -> Any:
    """One session of the caller's organisation."""
    session = (await deps.store.load(SESSION, session_id)).state
    if session is None or ("admin" not in principal.roles and session.organisation != principal.organisation):
        raise NotFound("session_not_found")
    return session


@router.post("/campaigns", status_code=status.HTTP_201_CREATED, response_model=CampaignPublic,
             responses={401: {}, 403: {}, 422: {}})
async def launch_campaign(body: CampaignCreate, principal: Educator, deps: AppDeps, request: Request,
                          idempotency_key: IdempotencyKey = None) -> CampaignPublic:
    """Launch a campaign with goals and per-region targets over a period."""
    campaign = await handlers.launch_campaign(
        deps, command_context(principal, request), organisation=organisation_of(principal),
        idempotency_key=idempotency_key, **body.model_dump(exclude={"targets"}), targets=body.targets)
    return CampaignPublic.model_validate(campaign.model_dump())


@router.get("/campaigns", response_model=list[CampaignPublic], responses={401: {}, 403: {}})
async def list_campaigns(principal: AggregateReader, deps: AppDeps) -> list[Any]:
    """Campaigns, latest first."""
    docs = deps.core.db[CAMPAIGN.collection].find({}, sort=[("period_start", -1)], limit=LIST_LIMIT)
    return [Campaign.model_validate({**doc, "id": doc["_id"]}) async for doc in docs]


@router.get("/campaigns/{campaign_id}", response_model=CampaignProgress, responses={401: {}, 403: {}, 404: {}})
async def read_campaign(campaign_id: PathId, principal: AggregateReader, deps: AppDeps) -> CampaignProgress:
    """A campaign and its progress against each regional target."""
    campaign = (await deps.store.load(CAMPAIGN, campaign_id)).state
    if campaign is None:
        raise NotFound("campaign_not_found")
    sessions = await sessions_in(deps, campaign.period_start, campaign.period_end, organisation=campaign.organisation)
    return CampaignProgress(**campaign.model_dump(), progress=campaign_progress(campaign, sessions))
