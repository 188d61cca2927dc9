"""An incident's narrative and its sources' accounts: encrypted at rest, read by cleared roles only, audited."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request
from servicekit.api import IdempotencyKey, RequestKey, caller_of

from ..domain.narrative_rules import NarrativeInput
from ..handlers import narratives as handlers
from .deps import DENIALS, AppDeps, Documenter, Officer, ResourceId
from .schemas.narratives import NarrativeErasure, NarrativePublic

router = APIRouter(prefix="/incidents", tags=["incidents"])


@router.get("/{incident_id}/narrative", response_model=NarrativePublic, responses=DENIALS)
async def read_narrative(incident_id: ResourceId, principal: Documenter, deps: AppDeps,
                         request: Request) -> NarrativePublic:
    """The narrative and accounts, for the incident's organisation's documenters (confidential incidents: its
    documentation officers only); every read is audited."""
    view = await handlers.read_narrative(deps, caller_of(principal, request), incident_id)
    return NarrativePublic.model_validate(asdict(view))


@router.put("/{incident_id}/narrative", response_model=NarrativePublic, responses={**DENIALS, 409: {}})
async def write_narrative(incident_id: ResourceId, body: NarrativeInput, principal: Documenter, deps: AppDeps,
                          request: Request, idempotency_key: IdempotencyKey = None) -> NarrativePublic:
    """Replace the narrative and accounts; they are encrypted before they are stored, and events carry only the
    digests of their ciphertexts."""
    caller = caller_of(principal, request)
    await handlers.write_narrative(deps, caller, incident_id, body,
                                   RequestKey.of(caller, idempotency_key, body.model_dump()))
    return await read_narrative(incident_id, principal, deps, request)


@router.post("/{incident_id}/narrative/erasure", response_model=NarrativePublic, responses={**DENIALS, 409: {}})
async def erase_narrative(incident_id: ResourceId, body: NarrativeErasure, principal: Officer, deps: AppDeps,
                          request: Request, idempotency_key: IdempotencyKey = None) -> NarrativePublic:
    """Erase the narrative and accounts (the incident's key is destroyed; the facts stay); documentation
    officers only."""
    caller = caller_of(principal, request)
    await handlers.erase_narrative(deps, caller, incident_id, body.reason,
                                   RequestKey.of(caller, idempotency_key, body.model_dump()))
    return await read_narrative(incident_id, principal, deps, request)
