"""Reach statistics and priority regions: aggregates for educators and analysts, never a person."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ..domain.places import region_codes
from ..domain.reach import priority_regions, reach_by_region, totals
from ..queries import incidents_by_region, sessions_in
from .deps import AggregateReader, AppDeps
from .schemas import Period

router = APIRouter(tags=["reach"])
PeriodQuery = Annotated[Period, Query()]


@router.get("/reach", responses={401: {}, 403: {}, 422: {}})
async def reach(principal: AggregateReader, deps: AppDeps, query: PeriodQuery) -> dict[str, Any]:
    """Participants, youth reached and knowledge gain per region, for sessions held in the period."""
    regions = reach_by_region(await sessions_in(deps.core.db, query.period_start, query.period_end))
    return {"period": query.model_dump(mode="json"), "regions": {r: v.public() for r, v in regions.items()},
            "total": totals(regions),
            "note": "participants are counted per session: a person at two sessions counts twice"}


@router.get("/priority-regions", responses={401: {}, 403: {}, 422: {}})
async def priority(principal: AggregateReader, deps: AppDeps, query: PeriodQuery) -> dict[str, Any]:
    """Regions ranked by documented incidents (from intake's events) per young person reached."""
    incidents = await incidents_by_region(deps.core.db, query.period_start, query.period_end)
    sessions = await sessions_in(deps.core.db, query.period_start, query.period_end)
    youth = {region: reached.youth for region, reached in reach_by_region(sessions).items()}
    return {"period": query.model_dump(mode="json"), "k": deps.suppression_k,
            "regions": priority_regions(incidents, youth, region_codes(), deps.suppression_k)}
