"""What every command handler shares: the caller, idempotency keys, audit entries, create-once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from servicekit.audit import AuditEntry
from servicekit.domain import AggregateType, DomainEvent, S
from servicekit.errors import Conflict
from servicekit.eventstore import CommandContext, Committed
from servicekit.ids import derived_id

from ..bootstrap import Deps
from ..domain.access import Viewer


@dataclass(frozen=True)
class Caller:
    """Who is acting (from the verified token) and the context their commands are stored with."""

    subject: str
    roles: frozenset[str]
    organisation: str | None
    is_service: bool
    context: CommandContext

    @property
    def viewer(self) -> Viewer:
        return Viewer.of(self.organisation, self.roles)


@dataclass(frozen=True)
class RequestKey:
    """A client's Idempotency-Key, scoped to its organisation, with a fingerprint of the request body.

    The same key and body again is a redelivery (a no-op that answers like the first time); the
    same key with another body is refused with 409 rather than silently applied or ignored.
    """

    scope: str
    key: str
    fingerprint: str

    @classmethod
    def of(cls, caller: Caller, key: str | None, body: Any) -> RequestKey | None:
        if key is None:
            return None
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
        return cls(scope=caller.organisation or caller.subject, key=key,
                   fingerprint=hashlib.sha256(canonical.encode()).hexdigest())

    def aggregate_id(self, kind: str) -> str:
        """Id of the aggregate a create command makes: the same for every retry of the request."""
        return derived_id(self.scope, kind, self.key)

    def command_key(self, kind: str) -> str:
        """Idempotency key of the command in the event store."""
        return derived_id(self.scope, kind, self.key, self.fingerprint)


async def create_once(deps: Deps, agg: AggregateType[S], aggregate_id: str,
                      decide: Callable[[S | None], Sequence[DomainEvent]], *, caller: Caller,
                      command_key: str | None) -> Committed[S]:
    """Run a create command; a retry of the same request is a no-op, a reused key with another body a 409."""
    if command_key is not None:
        loaded = await deps.store.load(agg, aggregate_id)
        if loaded.state is not None and command_key not in loaded.keys:
            raise Conflict("idempotency_key_reused", field="Idempotency-Key")
    return await deps.store.execute(agg, aggregate_id, decide, context=caller.context, idempotency_key=command_key)


def audit_entry(caller: Caller, action: str, resource_type: str, resource_id: str, *, allowed: bool,
                purpose: str | None = None, reason: str | None = None, owner: str | None = None) -> AuditEntry:
    """Who did what to which record (of which organisation, `owner`), when and why; never the data itself."""
    return AuditEntry(
        actor=caller.subject, actor_roles=sorted(caller.roles), organisation=caller.organisation, action=action,
        resource_type=resource_type, resource_id=resource_id, purpose=purpose, reason=reason,
        outcome="allowed" if allowed else "denied", correlation_id=caller.context.correlation_id,
        owner_organisation=owner)


async def audit(deps: Deps, caller: Caller, action: str, resource_type: str, resource_id: str, *,
                allowed: bool, purpose: str | None = None, reason: str | None = None,
                owner: str | None = None) -> None:
    """Record one audit entry."""
    await deps.core.audit.record(audit_entry(caller, action, resource_type, resource_id, allowed=allowed,
                                             purpose=purpose, reason=reason, owner=owner))
