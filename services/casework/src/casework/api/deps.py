"""FastAPI dependency aliases: routes reach the wiring through these, never through globals."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Request
from servicekit.auth import Principal, require
from servicekit.errors import Forbidden
from servicekit.eventstore import CommandContext
from servicekit.telemetry import current_traceparent

from ..bootstrap import Deps
from ..domain.common import ID_PATTERN, SUBJECT_PATTERN

# Statuses a write route may answer besides success (documented in OpenAPI, problem+json bodies).
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {401: {}, 403: {}, 404: {}, 409: {}, 422: {}}


def get_deps(request: Request) -> Deps:
    return request.app.state.deps  # type: ignore[no-any-return]


AppDeps = Annotated[Deps, Depends(get_deps)]
CaseWorker = Annotated[Principal, Depends(require(roles={"lawyer", "case_manager"}))]
CaseManager = Annotated[Principal, Depends(require(roles={"case_manager"}))]
Lawyer = Annotated[Principal, Depends(require(roles={"lawyer"}))]

# Path ids are checked before any lookup: they become store keys and audit resource ids.
CaseId = Annotated[str, Path(pattern=ID_PATTERN, description="Case id")]
ReferralId = Annotated[str, Path(pattern=ID_PATTERN, description="Referral id")]
HearingId = Annotated[str, Path(pattern=ID_PATTERN, description="Hearing id")]
ReparationId = Annotated[str, Path(pattern=ID_PATTERN, description="Reparation id")]
TaskId = Annotated[str, Path(pattern=ID_PATTERN, description="Task id")]
VictimId = Annotated[str, Path(pattern=ID_PATTERN, description="Pseudonymous victim id")]
LawyerPathId = Annotated[str, Path(pattern=SUBJECT_PATTERN, description="Subject (staff id) of a lawyer")]


def command_context(principal: Principal, request: Request) -> CommandContext:
    """Who is acting, with the request's correlation id when the caller sent one."""
    correlation = request.headers.get("x-correlation-id")
    kwargs = {"correlation_id": correlation} if correlation and len(correlation) <= 64 else {}
    return CommandContext(actor=principal.subject, traceparent=current_traceparent(), **kwargs)


def organisation_of(principal: Principal) -> str:
    """The caller's organisation; acting for a legal-aid organisation needs one."""
    if not principal.organisation:
        raise Forbidden("organisation_missing")
    return principal.organisation
