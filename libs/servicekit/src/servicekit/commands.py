"""What every service's command handlers share: the clock, consumers' command context and audit entries.

Handlers take what they need from here rather than from FastAPI: the caller (`servicekit.api.Caller`),
the time (`Clock`, injected through `Core.clock`, so tests set it), the context of an effect of a
consumed event, and the audit entry that says who did what to which record and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from .api.callers import Caller
from .audit import AuditEntry, AuditLog
from .consumer import ConsumedEvent
from .eventstore import CommandContext

Clock = Callable[[], datetime]
# The coalition works in Mali: "today" for a deadline, a hearing or a session is Bamako's date.
BAMAKO = ZoneInfo("Africa/Bamako")


def utc_now() -> datetime:
    """The real clock, timezone-aware (tests inject their own through `Core.clock`)."""
    return datetime.now(UTC)


def today_in_bamako(clock: Clock) -> date:
    """The calendar date in Bamako at the clock's now."""
    return clock().astimezone(BAMAKO).date()


def consumer_context(event: ConsumedEvent, *, actor: str) -> CommandContext:
    """The context of an effect of a consumed event: caused by it, in its correlation and trace."""
    return CommandContext(actor=actor, correlation_id=event.envelope.correlation_id or event.id,
                          causation_id=event.id, traceparent=event.envelope.traceparent)


def audit_entry(caller: Caller, action: str, resource_type: str, resource_id: str, *, allowed: bool,
                purpose: str | None = None, reason: str | None = None, owner: str | None = None) -> AuditEntry:
    """Who did what to which record (of which organisation, `owner`), when and why: ids only, never the data."""
    return AuditEntry(
        actor=caller.subject, actor_roles=sorted(caller.roles), organisation=caller.organisation, action=action,
        resource_type=resource_type, resource_id=resource_id, purpose=purpose, reason=reason,
        outcome="allowed" if allowed else "denied", correlation_id=caller.context.correlation_id,
        owner_organisation=owner)


async def audit(log: AuditLog, caller: Caller, action: str, resource_type: str, resource_id: str, *,
                allowed: bool, purpose: str | None = None, reason: str | None = None,
                owner: str | None = None) -> None:
    """Record one audit entry."""
    await log.record(audit_entry(caller, action, resource_type, resource_id, allowed=allowed, purpose=purpose,
                                 reason=reason, owner=owner))


async def audit_reads(log: AuditLog, caller: Caller, action: str, resource_type: str, resource_ids: Iterable[str],
                      *, purpose: str, owners: Iterable[str | None] | None = None) -> None:
    """One allowed-read entry per record shown in a list, appended to the chain together."""
    ids = list(resource_ids)
    owned = list(owners) if owners is not None else [None] * len(ids)
    await log.record_many([audit_entry(caller, action, resource_type, rid, allowed=True, purpose=purpose, owner=owner)
                           for rid, owner in zip(ids, owned, strict=True)])
