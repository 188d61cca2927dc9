"""Who is calling a command route, and the context their commands are stored with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Header, Request

from ..auth import Principal
from ..errors import Forbidden
from ..eventstore import CommandContext
from ..telemetry import current_traceparent

IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$",
    description="Makes a retried request safe: the same key and body answer as the first time; "
                "the same key with another body is refused with 409")]


def app_deps(request: Request) -> Any:
    """The service's wiring, built once at start-up (each service types it: `Annotated[Deps, Depends(app_deps)]`)."""
    return request.app.state.deps


def command_context(principal: Principal, request: Request) -> CommandContext:
    """Who is acting, with the request's correlation id when the caller sent a usable one."""
    correlation = request.headers.get("x-correlation-id")
    kwargs = {"correlation_id": correlation} if correlation and len(correlation) <= 64 else {}
    return CommandContext(actor=principal.subject, traceparent=current_traceparent(), **kwargs)


def organisation_of(principal: Principal) -> str:
    """The caller's organisation: every record of the coalition belongs to one, so acting needs one (else 403)."""
    if not principal.organisation:
        raise Forbidden("organisation_missing")
    return principal.organisation


@dataclass(frozen=True)
class Caller:
    """The verified caller of one request and the context its commands are stored with."""

    subject: str
    roles: frozenset[str]
    organisation: str | None
    is_service: bool
    context: CommandContext

    @property
    def scope(self) -> str:
        """Whose Idempotency-Keys these are: the organisation's, or the account's when it has none."""
        return self.organisation or self.subject

    def has_any_role(self, roles: set[str] | frozenset[str]) -> bool:
        """True when the caller holds at least one of `roles`."""
        return not self.roles.isdisjoint(roles)


def caller_of(principal: Principal, request: Request, *, needs_organisation: bool = True) -> Caller:
    """The caller of a route; most routes act for an organisation, so by default one is required (else 403)."""
    if needs_organisation:
        organisation_of(principal)
    return Caller(subject=principal.subject, roles=principal.roles, organisation=principal.organisation,
                  is_service=principal.is_service, context=command_context(principal, request))
