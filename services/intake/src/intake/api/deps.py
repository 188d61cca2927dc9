"""FastAPI dependency aliases: routes reach the wiring through these, never through globals."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from servicekit.auth import Principal, require
from servicekit.eventstore import CommandContext
from servicekit.telemetry import current_traceparent

from ..bootstrap import Deps


def get_deps(request: Request) -> Deps:
    return request.app.state.deps  # type: ignore[no-any-return]


AppDeps = Annotated[Deps, Depends(get_deps)]
Monitor = Annotated[Principal, Depends(require(roles={"monitor", "documentation_officer"}))]
Analyst = Annotated[Principal, Depends(require(roles={"analyst", "documentation_officer", "admin"}))]


def command_context(principal: Principal, request: Request) -> CommandContext:
    """Who is acting, with the request's correlation id when the caller sent one."""
    correlation = request.headers.get("x-correlation-id")
    kwargs = {"correlation_id": correlation} if correlation and len(correlation) <= 64 else {}
    return CommandContext(actor=principal.subject, traceparent=current_traceparent(), **kwargs)
