"""Campaigns: educators launch them; educators and analysts follow their progress against the targets."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from servicekit.api import DEFAULT_PAGE, IdempotencyKey, Page, PageCursor, PageLimit, RequestKey, caller_of
from servicekit.errors import NotFound

from ..domain.campaign import CAMPAIGN
from ..domain.reach import campaign_progress
from ..handlers import campaigns as handlers
from ..queries import campaign_page, sessions_in
from .deps import AggregateReader, AppDeps, Educator, RecordId
from .schemas import CampaignCreate, CampaignProgress, CampaignPublic

router = APIRouter(tags=["campaigns"])


@router.post("/campaigns", status_code=status.HTTP_201_CREATED, response_model=CampaignPublic,
             responses={401: {}, 403: {}, 409: {}, 422: {}})
async def launch_campaign(body: CampaignCreate, principal: Educator, deps: AppDeps, request: Request,
                          idempotency_key: IdempotencyKey = None) -> Any:
    """Launch a campaign with goals and per-region targets over a period."""
    caller = caller_of(principal, request)
    request_key = RequestKey.of(caller, idempotency_key, body.model_dump(mode="json"))
    return (await handlers.launch_campaign(deps, caller, body, request_key)).state


@router.get("/campaigns", response_model=Page[CampaignPublic], responses={401: {}, 403: {}, 422: {}})
async def list_campaigns(principal: AggregateReader, deps: AppDeps, limit: PageLimit = DEFAULT_PAGE,
                         cursor: PageCursor = None) -> Any:
    """Campaigns, latest first, a page at a time."""
    return await campaign_page(deps.core.db, cursor=cursor, limit=limit)


@router.get("/campaigns/{campaign_id}", response_model=CampaignProgress, responses={401: {}, 403: {}, 404: {}})
async def read_campaign(campaign_id: RecordId, principal: AggregateReader, deps: AppDeps) -> CampaignProgress:
    """A campaign and its progress against each regional target."""
    campaign = (await deps.core.store.load(CAMPAIGN, campaign_id)).state
    if campaign is None:
        raise NotFound("campaign_not_found")
    sessions = await sessions_in(deps.core.db, campaign.period_start, campaign.period_end,
                                 organisation=campaign.organisation)
    return CampaignProgress(**campaign.model_dump(), progress=campaign_progress(campaign, sessions))
