"""Advocacy's HTTP routes: aggregates only, every figure under disclosure control."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..domain.disclosure import suppress_series
from .deps import AggregateReader, AppDeps

router = APIRouter(prefix="/indicators", tags=["indicators"])


@router.get("/incidents-by-region", responses={401: {}, 403: {}})
async def incidents_by_region(principal: AggregateReader, deps: AppDeps) -> dict[str, Any]:
    """Documented incidents per region, small counts suppressed."""
    counts = await deps.projections.incidents_by_region()
    return suppress_series(counts, deps.suppression_k).to_public()
