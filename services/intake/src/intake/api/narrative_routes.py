"""An incident's narrative and its sources' accounts: encrypted at rest, read by cleared roles only, audited."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request

from ..domain.narrative_rules import NarrativeInput
from ..handlers import narratives as handlers
from .deps import AppDeps, Documenter, IdempotencyKey, Officer, ResourceId, caller_of, request_key
from .incident_schemas import NarrativeErasure, NarrativePublic

router = APIRouter(prefix="/incidents", tags=["incidents"])
DENIALS: dict[int | str, dict[str, str]] = {401: {}, 403: {}, 404: {}, 422: {}}


@router.get("/{incident_id}/narrative", response_model=NarrativePublic, responses=DENIALS)
async def read_narrative(incident_id: ResourceId, principal: Documenter, deps: AppDeps,
                         request: Request) -> NarrativePublic:
    """The narrative and accounts, for the incident's organisation's documenters (confidential incidents: its
    documentation officers only); every read is audited."""
    view = await handlers.read_narrative(deps, caller_of(principal, request), incident_id)
    return NarrativePublic.model_validate(asdict(view))


@router.put("/{incident_id}/narrative", response_model=NarrativePublic, responses=DENIALS)
async def write_narrative(incident_id: ResourceId, body: NarrativeInput, principal: Documenter, deps: AppDeps,
                          request: Request, idempotency_key: IdempotencyKey = None) -> NarrativePublic:
    """Replace the narrative and accounts; they are encrypted before they are stored, and events carry only the
    digests of their ciphertexts."""
    caller = caller_of(principal, request)
    await handlers.write_narrative(deps, caller, incident_id, body,
                                   request_key(caller, idempotency_key, body.model_dump()))
    return await read_narrative(incident_id, principal, deps, request)


@router.post("/{incident_id}/narrative/erasure", response_model=NarrativePublic, responses=DENIALS)
async def erase_narrative(incident_id: ResourceId, body: NarrativeErasure, principal: Officer, deps: AppDeps,
                          request: Request) -> NarrativePublic:
    """Erase the narrative and accounts (the incident's key is destroyed; the facts stay); documentation
    officers only."""
    await handlers.erase_narrative(deps, caller_of(principal, request), incident_id, body.reason)
    return await read_narrative(incident_id, principal, deps, request)
