"""FastAPI dependency aliases: routes reach the wiring through these, never through globals."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Path, Request
from servicekit.api import Caller, RequestKey, app_deps, caller_of
from servicekit.auth import Principal, require

from ..bootstrap import Deps
from ..domain.common import ID_PATTERN, SUBJECT_PATTERN

# Statuses a write route may answer besides success (documented in OpenAPI, problem+json bodies).
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {401: {}, 403: {}, 404: {}, 409: {}, 422: {}}

AppDeps = Annotated[Deps, Depends(app_deps)]
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


def keyed(principal: Principal, request: Request, key: str | None, body: Any) -> tuple[Caller, RequestKey | None]:
    """The caller of a command on a case's records and its Idempotency-Key, fingerprinted with what the command
    is given (the case's own rules decide who may act, so no organisation is required here)."""
    caller = caller_of(principal, request, needs_organisation=False)
    return caller, RequestKey.of(caller, key, body)
