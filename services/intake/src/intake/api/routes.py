"""Intake's HTTP routes."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from servicekit.errors import Forbidden

from .. import handlers
from .deps import AppDeps, Monitor, command_context
from .schemas import IncidentCreate, IncidentCreated

router = APIRouter(prefix="/incidents", tags=["incidents"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=IncidentCreated,
             responses={401: {}, 403: {}, 422: {}})
async def document_incident(body: IncidentCreate, principal: Monitor, deps: AppDeps,
                            request: Request) -> IncidentCreated:
    """Document an incident for the caller's organisation."""
    if not principal.organisation:
        raise Forbidden("the token names no organisation")
    incident_id = await handlers.document_incident(
        deps, command_context(principal, request), organisation=principal.organisation,
        occurred_on=body.occurred_on, region=body.region, violation_types=body.violation_types,
        confidentiality=body.confidentiality)
    return IncidentCreated(id=incident_id)
