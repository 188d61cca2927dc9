"""What every casework handler shares: today's date, loading a case the caller may see, auditing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from servicekit.audit import AuditEntry
from servicekit.auth import Principal
from servicekit.consumer import ConsumedEvent
from servicekit.eventstore import CommandContext

from ..bootstrap import Deps
from ..domain.access import Access, case_not_found
from ..domain.case import CASE, Case
from ..domain.common import bamako_today


def today(deps: Deps) -> date:
    """Today's date in Bamako."""
    return bamako_today(deps.clock())


def access_of(principal: Principal) -> Access:
    """The caller, as far as case visibility goes."""
    return Access(subject=principal.subject, roles=principal.roles, organisation=principal.organisation)


def consumer_context(event: ConsumedEvent) -> CommandContext:
    """Context of an effect of a consumed event: caused by it, in its correlation and trace."""
    return CommandContext(actor="svc-casework", correlation_id=event.envelope.correlation_id or event.id,
                          causation_id=event.id, traceparent=event.envelope.traceparent)


def audit_entry(principal: Principal, *, action: str, resource_type: str, resource_id: str, purpose: str,
                allowed: bool, reason: str | None = None, owner: str | None = None) -> AuditEntry:
    """One audit entry (who, what, when, why; `owner`: the organisation whose record it is): ids only, never names
    or notes."""
    return AuditEntry(
        actor=principal.subject, actor_roles=sorted(principal.roles), organisation=principal.organisation,
        action=action, resource_type=resource_type, resource_id=resource_id, purpose=purpose, reason=reason,
        outcome="allowed" if allowed else "denied", owner_organisation=owner)


async def audit(deps: Deps, principal: Principal, *, action: str, resource_type: str, resource_id: str,
                purpose: str, allowed: bool, reason: str | None = None, owner: str | None = None) -> None:
    """Record one audit entry."""
    await deps.core.audit.record(audit_entry(principal, action=action, resource_type=resource_type,
                                             resource_id=resource_id, purpose=purpose, allowed=allowed,
                                             reason=reason, owner=owner))


async def audit_reads(deps: Deps, principal: Principal, *, action: str, resource_type: str,
                      resource_ids: Iterable[str], purpose: str,
                      owners: Iterable[str | None] | None = None) -> None:
    """One allowed-read entry per resource shown in a list, appended to the chain together."""
    ids = list(resource_ids)
    owned = list(owners) if owners is not None else [None] * len(ids)
    await deps.core.audit.record_many([
        audit_entry(principal, action=action, resource_type=resource_type, resource_id=rid, purpose=purpose,
                    allowed=True, owner=owner) for rid, owner in zip(ids, owned, strict=True)])


async def read_case(deps: Deps, principal: Principal, case_id: str, *, purpose: str = "case file",
                    access: Access | None = None) -> Case:
    """Load a case the caller may see, auditing the read; someone else's case is a 404 (audited as denied)."""
    access = access or access_of(principal)
    case = (await deps.store.load(CASE, case_id)).state
    if case is None or not access.sees(case):
        if case is not None:
            await audit(deps, principal, action="case.read", resource_type="case", resource_id=case_id,
                        purpose=purpose, allowed=False, reason="not assigned to the caller")
        raise case_not_found()
    await audit(deps, principal, action="case.read", resource_type="case", resource_id=case_id, purpose=purpose,
                allowed=True)
    return case
