"""`GET /audit`: every service's audit trail, queryable by admins (who, what, when, why; never PII)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from .audit import MAX_QUERY_LIMIT, AuditEntry, AuditLog
from .auth import Principal, require
from .errors import InvalidInput

RESOURCE_ID = r"^[A-Za-z0-9:_-]{1,80}$"


class AuditPage(BaseModel):
    """Audit entries matching the filters, newest first."""

    entries: list[AuditEntry]


def audit_router(audit: AuditLog) -> APIRouter:
    """The admin route over one service's audit log."""
    router = APIRouter(tags=["audit"])

    @router.get("/audit", response_model=AuditPage, responses={401: {}, 403: {}, 422: {}})
    async def query_audit(
        request: Request,
        principal: Annotated[Principal, Depends(require(roles={"admin"}))],
        actor: Annotated[str | None, Query(max_length=200)] = None,
        victim_id: Annotated[str | None, Query(pattern=RESOURCE_ID, description="Pseudonymous victim id")] = None,
        resource_id: Annotated[str | None, Query(pattern=RESOURCE_ID)] = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: Annotated[int, Query(ge=1, le=MAX_QUERY_LIMIT)] = 100,
    ) -> AuditPage:
        """Filter by actor, victim or resource id and period (since inclusive, until exclusive)."""
        for name, bound in (("since", since), ("until", until)):
            if bound is not None and bound.tzinfo is None:
                raise InvalidInput("timezone_required", field=f"query.{name}")
        entries = await audit.query(actor=actor, resource_id=victim_id or resource_id, since=since, until=until,
                                    limit=limit)
        return AuditPage(entries=entries)

    return router
