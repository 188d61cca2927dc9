"""FastAPI dependency aliases: routes reach the wiring and the caller through these, never through globals."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Path, Request
from servicekit.auth import Principal, require
from servicekit.errors import Forbidden
from servicekit.eventstore import CommandContext
from servicekit.telemetry import current_traceparent

from ..bootstrap import Deps
from ..domain.incident_facts import PSEUDONYMOUS_ID
from ..handlers.common import Caller, RequestKey


def get_deps(request: Request) -> Deps:
    return request.app.state.deps  # type: ignore[no-any-return]


AppDeps = Annotated[Deps, Depends(get_deps)]
# Monitors and documentation officers document; only officers verify, erase and handle custody.
Documenter = Annotated[Principal, Depends(require(roles={"monitor", "documentation_officer"}))]
Officer = Annotated[Principal, Depends(require(roles={"documentation_officer"}))]
# The non-identifying export is the only incident data analysts and advocacy officers get.
ExportReader = Annotated[Principal, Depends(require(
    roles={"analyst", "advocacy_officer", "monitor", "documentation_officer", "admin"}))]
Admin = Annotated[Principal, Depends(require(roles={"admin"}))]
KeyRequester = Annotated[Principal, Depends(require(scopes={"pii:decrypt"}))]
Authenticated = Annotated[Principal, Depends(require())]

IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$",
    description="Makes a retried request a no-op: the same key and body answer as the first time")]
ResourceId = Annotated[str, Path(pattern=PSEUDONYMOUS_ID, description="A pseudonymous id")]


def command_context(principal: Principal, request: Request) -> CommandContext:
    """Who is acting, with the request's correlation id when the caller sent one."""
    correlation = request.headers.get("x-correlation-id")
    kwargs = {"correlation_id": correlation} if correlation and len(correlation) <= 64 else {}
    return CommandContext(actor=principal.subject, traceparent=current_traceparent(), **kwargs)


def caller_of(principal: Principal, request: Request, *, needs_organisation: bool = True) -> Caller:
    """The caller of a route; documenting and reading victims' data needs an organisation claim."""
    if needs_organisation and not principal.organisation:
        raise Forbidden("organisation_missing")
    return Caller(subject=principal.subject, roles=principal.roles, organisation=principal.organisation,
                  is_service=principal.is_service, context=command_context(principal, request))


def request_key(caller: Caller, key: str | None, body: Any) -> RequestKey | None:
    """The request's idempotency key, fingerprinted with its body."""
    return RequestKey.of(caller, key, body)
