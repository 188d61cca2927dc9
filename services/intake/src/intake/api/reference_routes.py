"""Vocabularies and CSV imports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, status
from servicekit.errors import NotFound
from servicekit.organisations import ORGANISATIONS, organisations, organisations_public
from servicekit.problems import request_language

from ..handlers import imports as import_handlers
from ..uploads import multipart_events
from ..vocabularies import VOCABULARY_NAMES, vocabulary
from .deps import AppDeps, Authenticated, Documenter, ResourceId, caller_of
from .other_schemas import ImportJobPublic

vocabularies_router = APIRouter(prefix="/vocabularies", tags=["vocabularies"])
imports_router = APIRouter(prefix="/incidents/imports", tags=["incidents"])
ImportKindQuery = Annotated[Literal["incidents", "victims", "acts"],
                            Query(description="What the file holds: incidents, victims (with consent) or acts")]
CSV_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "additionalProperties": False,
    "properties": {"file": {"type": "string", "format": "binary",
                            "description": "CSV (UTF-8 or Windows-1252, ',' or ';') or .xlsx, with a header row"}},
}}}}}


@vocabularies_router.get("", responses={401: {}})
async def list_vocabularies(principal: Authenticated) -> list[dict[str, str]]:
    """The vocabularies and their versions (the coalition's organisations included)."""
    return [*({"name": name, "version": vocabulary(name).version} for name in VOCABULARY_NAMES),
            {"name": ORGANISATIONS, "version": organisations().version}]


@vocabularies_router.get("/{name}", responses={401: {}, 404: {}})
async def read_vocabulary(principal: Authenticated,
                          name: str = Path(pattern=r"^[a-z_]{1,40}$", description="Vocabulary name")) -> dict[str, Any]:
    """A vocabulary with French and English labels (regions nest cercles and communes; organisations have a kind)."""
    if name == ORGANISATIONS:
        return organisations_public()
    if name not in VOCABULARY_NAMES:
        raise NotFound("vocabulary_not_found", field="name", allowed=[*VOCABULARY_NAMES, ORGANISATIONS])
    return vocabulary(name).to_public()


@imports_router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=ImportJobPublic,
                     openapi_extra=CSV_BODY, responses={400: {}, 401: {}, 403: {}, 413: {}, 415: {}, 422: {}})
async def import_incidents(principal: Documenter, deps: AppDeps, request: Request,
                           kind: ImportKindQuery = "incidents") -> ImportJobPublic:
    """Import a spreadsheet (CSV in UTF-8 or Windows-1252, or .xlsx) of incidents, victims or acts, with
    French or English headers and labels. Every row is checked first: if any is refused nothing is
    imported and the report says why, row by row; otherwise the rows are imported in the background
    (poll the job). Importing the same file again changes nothing."""
    caller = caller_of(principal, request)
    events = multipart_events(request.stream(), request.headers.get("content-type"))
    raw = await import_handlers.read_csv_upload(events, deps.settings.import_max_bytes)
    job = await import_handlers.start_import(deps, caller, raw, kind)
    return ImportJobPublic.of(job, request_language(request))


@imports_router.get("/{job_id}", response_model=ImportJobPublic, responses={401: {}, 403: {}, 404: {}})
async def read_import(job_id: ResourceId, principal: Documenter, deps: AppDeps, request: Request) -> ImportJobPublic:
    """Progress and per-row report of an import of the caller's organisation."""
    caller = caller_of(principal, request)
    job = await deps.imports.get(job_id)
    if job is None or job["organisation"] != caller.organisation:
        raise NotFound("import_not_found")
    return ImportJobPublic.of(job, request_language(request))
