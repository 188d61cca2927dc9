"""Incident command handlers on the kit's in-memory event store: the rules a handler adds around the domain
(the Idempotency-Key policy, the service's clock for "today") without the broker or the store."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from intake.domain.incident import INCIDENT, IncidentVerificationChanged
from intake.domain.incident_rules import IncidentDraft, document
from intake.handlers.incidents import change_verification, update_incident
from servicekit.api import Caller, RequestKey
from servicekit.errors import Conflict, InvalidInput
from servicekit.eventstore import CommandContext
from servicekit.testing import FakeClock, MemoryEventStore

OFFICER = Caller(subject="officer-1", roles=frozenset({"documentation_officer"}), organisation="org-amdh",
                 is_service=False, context=CommandContext(actor="officer-1"))
NOW = datetime(2025, 6, 15, 9, 0, tzinfo=UTC)


async def deps_with_incident(clock: FakeClock | None = None) -> Any:
    """What the verification and correction handlers use of Deps: the store and the clock."""
    store = MemoryEventStore()
    draft = IncidentDraft.model_validate({"occurred_on": "2024-03-02", "region": "mopti",
                                          "violation_types": ["massacre"]})
    await store.execute(INCIDENT, "incident-1", lambda state: document(
        state, organisation="org-amdh", draft=draft, today=NOW.date(), seal=None), context=OFFICER.context)
    return SimpleNamespace(store=store, core=SimpleNamespace(clock=clock or FakeClock(NOW)))


def key(body: dict[str, Any]) -> RequestKey | None:
    return RequestKey.of(OFFICER, "verify-0001", body)


async def test_a_verification_retried_with_its_key_is_stored_once():
    deps = await deps_with_incident()
    body = {"status": "pending", "reason": "second source"}
    await change_verification(deps, OFFICER, "incident-1", body["status"], body["reason"], key(body))
    again = await change_verification(deps, OFFICER, "incident-1", body["status"], body["reason"], key(body))
    assert again.duplicate
    changes = [e for e in deps.store.events_of(INCIDENT, "incident-1") if isinstance(e, IncidentVerificationChanged)]
    assert [c.status for c in changes] == ["pending"]


async def test_a_verification_key_reused_with_another_reason_is_refused():
    deps = await deps_with_incident()
    first = {"status": "pending", "reason": "second source"}
    await change_verification(deps, OFFICER, "incident-1", first["status"], first["reason"], key(first))
    other = {"status": "pending", "reason": "another source"}
    with pytest.raises(Conflict) as refused:
        await change_verification(deps, OFFICER, "incident-1", other["status"], other["reason"], key(other))
    assert (refused.value.code, refused.value.field) == ("idempotency_key_reused", "Idempotency-Key")


async def test_a_correction_dated_after_today_by_the_services_clock_is_refused():
    deps = await deps_with_incident(FakeClock(datetime(2024, 3, 5, 12, 0, tzinfo=UTC)))
    with pytest.raises(InvalidInput) as refused:
        await update_incident(deps, OFFICER, "incident-1", {"occurred_on": "2024-03-06"}, None)
    assert refused.value.field == "occurred_on"


async def test_a_correction_dated_today_by_the_services_clock_is_stored():
    deps = await deps_with_incident(FakeClock(datetime(2024, 3, 5, 12, 0, tzinfo=UTC)))
    committed = await update_incident(deps, OFFICER, "incident-1", {"occurred_on": "2024-03-05"}, None)
    assert committed.state is not None and committed.state.occurred_on.isoformat() == "2024-03-05"
