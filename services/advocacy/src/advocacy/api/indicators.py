"""Advocacy's indicator routes: aggregates only, every figure under disclosure control."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from servicekit.errors import NotFound

from .. import figures
from ..domain.published import INDICATOR_SECTIONS, INDICATORS
from .deps import AggregateReader, AppDeps
from .schemas import PeriodQuery

router = APIRouter(prefix="/indicators", tags=["indicators"])
Period = Annotated[PeriodQuery, Query()]


@router.get("", responses={401: {}, 403: {}, 422: {}})
async def all_indicators(principal: AggregateReader, deps: AppDeps, query: Period) -> dict[str, Any]:
    """Every indicator for a period, protected (the JSON export of the indicators)."""
    shot = await figures.snapshot(deps, **query.model_dump())
    return {"parameters": shot.parameters, "generation": shot.generation,
            "computed_at": shot.computed_at.isoformat(), "indicators": shot.indicators}


@router.get("/catalogue", responses={401: {}, 403: {}})
async def catalogue(principal: AggregateReader) -> dict[str, list[str]]:
    """The indicators this service publishes, by section."""
    return {section: [n.replace("_", "-") for n in names] for section, names in INDICATOR_SECTIONS.items()}


@router.get("/{name}", responses={401: {}, 403: {}, 404: {}, 422: {}})
async def one_indicator(name: str, principal: AggregateReader, deps: AppDeps, query: Period) -> dict[str, Any]:
    """One indicator for a period, protected (e.g. incidents-by-region: labels, values, total, disclosure)."""
    key = name.replace("-", "_")
    if key not in INDICATORS:
        raise NotFound("indicator_not_found")
    shot, figure = await figures.indicator(deps, key, **query.model_dump())
    return {**figure, "indicator": name, "parameters": shot.parameters, "generation": shot.generation}
