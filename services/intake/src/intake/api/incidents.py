"""Incident routes: document, list, read, correct, verify, history and integrity, export."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from pydantic import TypeAdapter
from servicekit.api import DEFAULT_PAGE, IdempotencyKey, PageCursor, PageLimit, RequestKey, caller_of
from servicekit.integrity import IntegrityReport, verify_aggregate

from ..domain.incident import INCIDENT
from ..handlers import incidents as handlers
from ..handlers import viewer
from ..queries import IncidentFilter
from .deps import DENIALS, AppDeps, Documenter, ExportReader, Officer, ResourceId
from .schemas.incidents import (
    CommitPublic,
    ExportRow,
    IncidentCreate,
    IncidentCreated,
    IncidentPage,
    IncidentPublic,
    IncidentSummary,
    IncidentUpdate,
    VerificationChange,
)

router = APIRouter(prefix="/incidents", tags=["incidents"])
CodeFilter = Annotated[str | None, Query(max_length=192)]
EXPORT_ROWS = TypeAdapter(list[ExportRow])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=IncidentCreated,
             responses={**DENIALS, 409: {}, 413: {}, 415: {}})
async def document_incident(body: IncidentCreate, principal: Documenter, deps: AppDeps, request: Request,
                            response: Response, idempotency_key: IdempotencyKey = None) -> IncidentCreated:
    """Document an incident for the caller's organisation."""
    caller = caller_of(principal, request)
    key = RequestKey.of(caller, idempotency_key, body.model_dump(mode="json"))
    await handlers.check_victims(deps, caller, body.acts)
    committed = await handlers.document_incident(deps, caller, body.draft(), key, body.texts())
    if committed.duplicate:
        response.headers["Idempotent-Replayed"] = "true"
    return IncidentCreated(id=committed.aggregate_id)


def incident_filter(region: CodeFilter = None, violation_type: CodeFilter = None,
                    perpetrator_category: CodeFilter = None, verification_status: CodeFilter = None,
                    date_from: date | None = None, date_to: date | None = None) -> IncidentFilter:
    """What the query narrows the incidents by."""
    return IncidentFilter(region=region, violation_type=violation_type, perpetrator_category=perpetrator_category,
                          verification_status=verification_status, date_from=date_from, date_to=date_to)


@router.get("", response_model=IncidentPage, responses=DENIALS)
async def list_incidents(principal: Documenter, deps: AppDeps, request: Request,
                         region: CodeFilter = None, violation_type: CodeFilter = None,
                         perpetrator_category: CodeFilter = None, verification_status: CodeFilter = None,
                         date_from: date | None = None, date_to: date | None = None,
                         cursor: PageCursor = None, limit: PageLimit = DEFAULT_PAGE) -> IncidentPage:
    """The caller's organisation's incidents, filtered, a page at a time (confidential ones for officers only)."""
    caller = caller_of(principal, request)
    selection = incident_filter(region, violation_type, perpetrator_category, verification_status, date_from, date_to)
    items, next_cursor = await deps.incidents.page(viewer(caller), selection, cursor=cursor,
                                                   limit=min(limit, deps.settings.list_max_page_size))
    return IncidentPage(items=[IncidentSummary.of(i) for i in items], next_cursor=next_cursor)


@router.get("/export", responses={401: {}, 403: {}, 422: {}},
            response_model=list[ExportRow], description="JSON by default; `format=csv` for a spreadsheet")
async def export_incidents(principal: ExportReader, deps: AppDeps,
                           format: Literal["json", "csv"] = "json",
                           region: CodeFilter = None, violation_type: CodeFilter = None,
                           perpetrator_category: CodeFilter = None, verification_status: CodeFilter = None,
                           date_from: date | None = None, date_to: date | None = None) -> Response:
    """Non-identifying facts of every non-confidential incident (no victims, no sources, points coarsened)."""
    selection = incident_filter(region, violation_type, perpetrator_category, verification_status, date_from, date_to)
    rows = [ExportRow.of(incident) async for incident in deps.incidents.exportable(selection)]
    if format == "json":
        return Response(EXPORT_ROWS.dump_json(rows), media_type="application/json")
    return StreamingResponse(_csv(rows), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="incidents.csv"'})


async def _csv(rows: list[ExportRow]) -> AsyncIterator[str]:
    """The rows as one CSV document (lists joined with '|')."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(ExportRow.model_fields))
    for row in rows:
        values = row.model_dump(mode="json")
        writer.writerow(["|".join(v) if isinstance(v, list) else ("" if v is None else v) for v in values.values()])
    yield buffer.getvalue()


@router.get("/{incident_id}", response_model=IncidentPublic, responses=DENIALS)
async def read_incident(incident_id: ResourceId, principal: Documenter, deps: AppDeps,
                        request: Request) -> IncidentPublic:
    """An incident of the caller's organisation, with its exact point."""
    caller = caller_of(principal, request)
    incident, exact = await handlers.read_incident(deps, caller, incident_id)
    version = (await deps.store.load(INCIDENT, incident_id)).version
    return IncidentPublic.of(incident, exact, version)


@router.patch("/{incident_id}", response_model=IncidentPublic, responses={**DENIALS, 409: {}})
async def update_incident(incident_id: ResourceId, body: IncidentUpdate, principal: Documenter, deps: AppDeps,
                          request: Request, idempotency_key: IdempotencyKey = None) -> IncidentPublic:
    """Correct or complete an incident; only the fields sent change."""
    caller = caller_of(principal, request)
    changes = body.model_dump(mode="json", exclude_unset=True)
    if body.acts is not None:
        await handlers.check_victims(deps, caller, body.acts)
    await handlers.update_incident(deps, caller, incident_id, changes, RequestKey.of(caller, idempotency_key, changes))
    return await read_incident(incident_id, principal, deps, request)


@router.post("/{incident_id}/verification", response_model=IncidentPublic, responses={**DENIALS, 409: {}})
async def change_verification(incident_id: ResourceId, body: VerificationChange, principal: Officer,
                              deps: AppDeps, request: Request,
                              idempotency_key: IdempotencyKey = None) -> IncidentPublic:
    """Move the incident along the verification workflow (documentation officers), saying why."""
    caller = caller_of(principal, request)
    await handlers.change_verification(deps, caller, incident_id, body.status, body.reason,
                                       RequestKey.of(caller, idempotency_key, body.model_dump()))
    return await read_incident(incident_id, principal, deps, request)


@router.get("/{incident_id}/history", response_model=list[CommitPublic], responses=DENIALS)
async def incident_history(incident_id: ResourceId, principal: Documenter, deps: AppDeps,
                           request: Request) -> list[CommitPublic]:
    """Every change of the incident: who, when, what (its audit history)."""
    await handlers.visible_incident(deps, caller_of(principal, request), incident_id)
    return [CommitPublic.of(commit) for commit in await deps.store.history(incident_id)]


@router.get("/{incident_id}/integrity", response_model=IntegrityReport, responses=DENIALS)
async def incident_integrity(incident_id: ResourceId, principal: Documenter, deps: AppDeps,
                             request: Request) -> IntegrityReport:
    """Whether the incident's hash chain is intact (no edited or deleted history)."""
    await handlers.visible_incident(deps, caller_of(principal, request), incident_id)
    return await verify_aggregate(deps.store, INCIDENT, incident_id)
