"""FastAPI dependency aliases for education's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from servicekit.auth import Principal, require
from servicekit.errors import Forbidden
from servicekit.eventstore import CommandContext
from servicekit.telemetry import current_traceparent

from ..bootstrap import Deps


def get_deps(request: Request) -> Deps:
    return request.app.state.deps  # type: ignore[no-any-return]


AppDeps = Annotated[Deps, Depends(get_deps)]
Educator = Annotated[Principal, Depends(require(roles={"educator"}))]
# Sessions are records of an organisation: its educators read them (admins too).
SessionReader = Annotated[Principal, Depends(require(roles={"educator", "admin"}))]
# Campaigns, reach and priorities are aggregates: analysts read them as well.
AggregateReader = Annotated[Principal, Depends(require(roles={"educator", "analyst", "admin"}))]
AnyUser = Annotated[Principal, Depends(require())]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", pattern=r"^[A-Za-z0-9_.:-]{8,100}$",
                                               description="Retrying with the same key creates nothing new")]


def command_context(principal: Principal, request: Request) -> CommandContext:
    """Who is acting, with the request's correlation id when the caller sent one."""
    correlation = request.headers.get("x-correlation-id")
    kwargs = {"correlation_id": correlation} if correlation and len(correlation) <= 64 else {}
    return CommandContext(actor=principal.subject, traceparent=current_traceparent(), **kwargs)


def organisation_of(principal: Principal) -> str:
    """The caller's organisation: every record belongs to one."""
    if not principal.organisation:
        raise Forbidden("organisation_missing")
    return principal.organisation
