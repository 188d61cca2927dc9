"""Spreadsheet imports of incidents, victims and acts: start one, then poll its progress and report."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, status
from servicekit.api import IdempotencyKey, caller_of
from servicekit.errors import NotFound
from servicekit.problems import request_language

from ..handlers import imports as handlers
from ..uploads import multipart_events
from .deps import AppDeps, Documenter, ResourceId
from .schemas.imports import ImportJobPublic

router = APIRouter(prefix="/incidents/imports", tags=["incidents"])
ImportKindQuery = Annotated[Literal["incidents", "victims", "acts"],
                            Query(description="What the file holds: incidents, victims (with consent) or acts")]
CSV_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "additionalProperties": False,
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": "CSV (UTF-8 or Windows-1252, ',' or ';') or .xlsx, with a header row"}},
}}}}}


@router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=ImportJobPublic, openapi_extra=CSV_BODY,
             responses={400: {}, 401: {}, 403: {}, 409: {}, 413: {}, 415: {}, 422: {}})
async def import_incidents(principal: Documenter, deps: AppDeps, request: Request,
                           kind: ImportKindQuery = "incidents",
                           idempotency_key: IdempotencyKey = None) -> ImportJobPublic:
    """Import a spreadsheet (CSV in UTF-8 or Windows-1252, or .xlsx) of incidents, victims or acts, with
    French or English headers and labels. Every row is checked first: if any is refused nothing is
    imported and the report says why, row by row; otherwise the rows are imported in the background
    (poll the job). Importing the same file again changes nothing."""
    caller = caller_of(principal, request)
    events = multipart_events(request.stream(), request.headers.get("content-type"))
    raw = await handlers.read_csv_upload(events, deps.settings.import_max_bytes)
    job = await handlers.start_import(deps, caller, raw, kind, idempotency_key)
    return ImportJobPublic.of(job, request_language(request), deps.core.clock())


@router.get("/{job_id}", response_model=ImportJobPublic, responses={401: {}, 403: {}, 404: {}})
async def read_import(job_id: ResourceId, principal: Documenter, deps: AppDeps, request: Request) -> ImportJobPublic:
    """Progress and per-row report of an import of the caller's organisation."""
    caller = caller_of(principal, request)
    job = await deps.imports.get(job_id)
    if job is None or job["organisation"] != caller.organisation:
        raise NotFound("import_not_found")
    return ImportJobPublic.of(job, request_language(request), deps.core.clock())
