"""Evidence routes: streamed upload, record, verified download, custody steps and the custody report."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import StreamingResponse
from servicekit.api import IdempotencyKey, RequestKey, caller_of

from ..domain.evidence_rules import StepRequest
from ..domain.media_types import EXTENSIONS, SIGNATURES
from ..handlers import evidence as handlers
from ..handlers.evidence_upload import receive_evidence
from ..uploads import multipart_events
from .deps import DENIALS, AppDeps, Documenter, Officer, ResourceId
from .schemas.evidence import CustodyReportPublic, CustodyStepCreate, EvidencePublic

router = APIRouter(prefix="/evidence", tags=["evidence"])
UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "additionalProperties": False,
    "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "The file; its part Content-Type must be one of: " + ", ".join(sorted(SIGNATURES))},
        "incident_id": {"type": "string", "description": "Incident the item documents"},
        "confidentiality": {"type": "string", "enum": ["public", "restricted", "confidential"]},
    }}}}}}


@router.post("", status_code=status.HTTP_201_CREATED, response_model=EvidencePublic, openapi_extra=UPLOAD_BODY,
             responses={**DENIALS, 400: {}, 409: {}, 413: {}, 415: {}})
async def upload_evidence(principal: Documenter, deps: AppDeps, request: Request, response: Response,
                          idempotency_key: IdempotencyKey = None) -> EvidencePublic:
    """Receive a file as it streams: SHA-256 while streaming, type checked by magic bytes, size limited (413)."""
    caller = caller_of(principal, request)
    events = multipart_events(request.stream(), request.headers.get("content-type"))
    committed = await receive_evidence(deps, caller, events, idempotency_key)
    if committed.duplicate:
        response.headers["Idempotent-Replayed"] = "true"
    assert committed.state is not None
    return EvidencePublic.of(committed.state)


@router.get("/{evidence_id}", response_model=EvidencePublic, responses=DENIALS)
async def read_evidence(evidence_id: ResourceId, principal: Documenter, deps: AppDeps,
                        request: Request) -> EvidencePublic:
    """An evidence item's record."""
    return EvidencePublic.of(await handlers.visible_evidence(deps, caller_of(principal, request), evidence_id))


@router.get("/{evidence_id}/content", responses={**DENIALS, 500: {"description": "The stored file is corrupted"}},
            response_class=StreamingResponse)
async def download_evidence(evidence_id: ResourceId, principal: Documenter, deps: AppDeps,
                            request: Request) -> StreamingResponse:
    """The file, after re-verifying its SHA-256 (a corrupted file is refused and the failure recorded)."""
    item, chunks = await handlers.open_evidence(deps, caller_of(principal, request), evidence_id)
    filename = f"{item.id}.{EXTENSIONS.get(item.media_type, 'bin')}"
    return StreamingResponse(chunks, media_type=item.media_type, headers={
        "Content-Length": str(item.size_bytes), "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Content-SHA256": item.sha256, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


@router.post("/{evidence_id}/custody", response_model=EvidencePublic, responses={**DENIALS, 409: {}, 500: {}})
async def record_custody(evidence_id: ResourceId, body: CustodyStepCreate, principal: Officer, deps: AppDeps,
                         request: Request, idempotency_key: IdempotencyKey = None) -> EvidencePublic:
    """Record a copy, a transfer of custody or a submission to a court, with the hash verified now."""
    caller = caller_of(principal, request)
    step = StepRequest(step=body.step, to=body.to, case_reference=body.case_reference)
    committed = await handlers.record_custody(deps, caller, evidence_id, step,
                                              RequestKey.of(caller, idempotency_key, body.model_dump()))
    assert committed.state is not None
    return EvidencePublic.of(committed.state)


@router.get("/{evidence_id}/custody", response_model=CustodyReportPublic, responses=DENIALS)
async def custody_report(evidence_id: ResourceId, principal: Documenter, deps: AppDeps,
                         request: Request) -> CustodyReportPublic:
    """The whole chain of custody: each step's actor, time, file hash and commit hash."""
    report = await handlers.custody_report(deps, caller_of(principal, request), evidence_id)
    return CustodyReportPublic(evidence=EvidencePublic.of(report.item), chain_intact=report.chain_intact,
                               problems=report.problems, steps=report.steps)
