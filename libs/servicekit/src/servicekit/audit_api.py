"""`GET /audit` and `GET /audit/integrity`: every service's audit trail (who, what, when, why; never PII).

Admins read every entry. A documentation officer reads the entries about her organisation's records
(`owner_organisation`): who, in any service, touched the victims and incidents her organisation documented.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from pymongo.asynchronous.database import AsyncDatabase

from .audit import MAX_ORGANISATION, MAX_QUERY_LIMIT, AuditEntry, AuditLog
from .audit_chain import AuditAnchor, AuditIntegrityReport, verify_audit_log
from .auth import Principal, require
from .errors import Forbidden, InvalidInput

RESOURCE_ID = r"^[A-Za-z0-9:_-]{1,80}$"
ADMIN = "admin"
OFFICER = "documentation_officer"


class AuditPage(BaseModel):
    """Audit entries matching the filters, newest first."""

    entries: list[AuditEntry]


def owner_scope(principal: Principal, asked: str | None) -> str | None:
    """The owner filter the caller is held to: none for admins, her own organisation for an officer."""
    if ADMIN in principal.roles:
        return asked
    if not principal.organisation:
        raise Forbidden("organisation_missing")
    if asked is not None and asked != principal.organisation:
        raise Forbidden("audit_other_organisation", field="query.owner_organisation")
    return principal.organisation


def audit_router(audit: AuditLog, db: AsyncDatabase[Any]) -> APIRouter:
    """The audit routes over one service's audit log."""
    router = APIRouter(tags=["audit"])

    @router.get("/audit", response_model=AuditPage, responses={401: {}, 403: {}, 422: {}})
    async def query_audit(
        principal: Annotated[Principal, Depends(require(roles={ADMIN, OFFICER}))],
        actor: Annotated[str | None, Query(max_length=200)] = None,
        victim_id: Annotated[str | None, Query(pattern=RESOURCE_ID, description="Pseudonymous victim id")] = None,
        resource_id: Annotated[str | None, Query(pattern=RESOURCE_ID)] = None,
        owner_organisation: Annotated[str | None, Query(
            max_length=MAX_ORGANISATION, description="Organisation whose records were touched")] = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: Annotated[int, Query(ge=1, le=MAX_QUERY_LIMIT)] = 100,
    ) -> AuditPage:
        """Filter by actor, victim or resource id, owning organisation and period (since inclusive, until
        exclusive). Documentation officers see only the entries about their organisation's records."""
        for name, bound in (("since", since), ("until", until)):
            if bound is not None and bound.tzinfo is None:
                raise InvalidInput("timezone_required", field=f"query.{name}")
        entries = await audit.query(actor=actor, resource_id=victim_id or resource_id, since=since, until=until,
                                    limit=limit, owner_organisation=owner_scope(principal, owner_organisation))
        return AuditPage(entries=entries)

    @router.get("/audit/integrity", response_model=AuditIntegrityReport, responses={401: {}, 403: {}, 422: {}})
    async def audit_integrity(
        principal: Annotated[Principal, Depends(require(roles={ADMIN}))],
        anchor_seq: Annotated[int | None, Query(ge=1, description="Position of a head recorded earlier")] = None,
        anchor_hash: Annotated[str | None, Query(pattern=r"^[0-9a-f]{64}$",
                                                 description="Its hash, as recorded")] = None,
    ) -> AuditIntegrityReport:
        """Verify the whole audit chain (a full scan); give a head recorded earlier to detect a rewrite."""
        if (anchor_seq is None) != (anchor_hash is None):
            raise InvalidInput("audit_anchor_incomplete", field="query.anchor_hash")
        anchor = AuditAnchor(seq=anchor_seq, hash=anchor_hash) if anchor_seq and anchor_hash else None
        return await verify_audit_log(db, anchor=anchor)

    return router
