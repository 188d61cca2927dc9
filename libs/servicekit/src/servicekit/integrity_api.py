"""`GET /integrity` on every service: verify the hash chains of its event history (ids and versions only).

Without `limit` every chain is verified at once (a full scan); with it, page by page, each answer
naming where the next page starts and how many commits there are in all, so a caller (the operator
CLI `redress verify`) can show progress on a large store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from .auth import Principal, require
from .domain import AggregateType
from .integrity import IntegrityReport, verify_page, verify_store

AGGREGATE_ID = r"^[A-Za-z0-9:_.-]{1,200}$"
MAX_PAGE = 5000
AFTER = "Start after this aggregate id (`next_after` of the previous page)"
LIMIT = "About this many commits per page; without it, every chain at once"


def integrity_router(aggregates: Sequence[AggregateType[Any]], *, roles: Iterable[str]) -> APIRouter:
    """The service-wide verification, for the given roles (an administrative check)."""
    router = APIRouter(tags=["integrity"])
    allowed = set(roles)

    @router.get("/integrity", response_model=IntegrityReport, responses={401: {}, 403: {}, 422: {}})
    async def service_integrity(
        request: Request,
        after: Annotated[str | None, Query(pattern=AGGREGATE_ID, description=AFTER)] = None,
        limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE, description=LIMIT)] = None,
        # A default, not an Annotated alias: the roles are this router's own, unknown at import time.
        principal: Principal = Depends(require(roles=allowed)),
    ) -> IntegrityReport:
        """Verify every hash chain of the service (a full scan: an administrative check), or one page of them."""
        store = request.app.state.deps.core.store
        if limit is None and after is None:
            return await verify_store(store, aggregates)
        return await verify_page(store, aggregates, after=after, limit=limit or MAX_PAGE)

    return router
