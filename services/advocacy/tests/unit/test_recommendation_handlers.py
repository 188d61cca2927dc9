"""Recommendation handlers on the kit's in-memory event store: the Idempotency-Key policy and the one clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from advocacy.domain.recommendation import RECOMMENDATION
from advocacy.handlers.recommendations import change_recommendation_status, make_recommendation
from servicekit.api import Caller, RequestKey
from servicekit.errors import Conflict, InvalidInput
from servicekit.eventstore import CommandContext
from servicekit.testing import FakeClock, MemoryEventStore

OFFICER = Caller(subject="officer-1", roles=frozenset({"advocacy_officer"}), organisation="org-amdh",
                 is_service=False, context=CommandContext(actor="officer-1"))
MADE = {"addressee": "mali_ministry_justice", "text": "Open investigations into the Moura killings",
        "made_on": date(2024, 4, 1), "source": None}


def deps_at(moment: datetime) -> SimpleNamespace:
    return SimpleNamespace(core=SimpleNamespace(store=MemoryEventStore(), clock=FakeClock(moment)))


def key(name: str, body: dict) -> RequestKey | None:
    return RequestKey.of(OFFICER, name, {k: str(v) for k, v in body.items()})


async def test_a_recommendation_retried_with_its_key_and_body_is_recorded_once():
    deps = deps_at(datetime(2024, 6, 1, 9, tzinfo=UTC))
    first = await make_recommendation(deps, OFFICER, key("retry-0001", MADE), **MADE)
    again = await make_recommendation(deps, OFFICER, key("retry-0001", MADE), **MADE)
    assert again == first
    assert len(deps.core.store.history(RECOMMENDATION, first.id)) == 1


async def test_a_key_reused_for_another_recommendation_is_refused_and_records_nothing():
    deps = deps_at(datetime(2024, 6, 1, 9, tzinfo=UTC))
    first = await make_recommendation(deps, OFFICER, key("retry-0002", MADE), **MADE)
    other = {**MADE, "text": "Compensate the families"}
    with pytest.raises(Conflict) as refused:
        await make_recommendation(deps, OFFICER, key("retry-0002", other), **other)
    assert (refused.value.code, refused.value.field) == ("idempotency_key_reused", "Idempotency-Key")
    assert deps.core.store.events_of(RECOMMENDATION, first.id)[0].text == MADE["text"]
    assert len(deps.core.store.commits) == 1


async def test_a_status_change_retried_with_its_key_adds_one_step_to_the_history():
    deps = deps_at(datetime(2024, 6, 1, 9, tzinfo=UTC))
    made = await make_recommendation(deps, OFFICER, None, **MADE)
    change = {"to_status": "acknowledged", "changed_on": date(2024, 5, 2), "note": None, "evidence": []}
    for _ in range(2):
        changed = await change_recommendation_status(deps, OFFICER, key("status-0001", change), made.id, **change)
    assert [step.status for step in changed.history] == ["made", "acknowledged"]


async def test_a_recommendation_made_after_today_in_bamako_is_refused():
    deps = deps_at(datetime(2024, 3, 31, 23, 30, tzinfo=UTC))  # still the 31st in Bamako (UTC+0)
    with pytest.raises(InvalidInput) as refused:
        await make_recommendation(deps, OFFICER, None, **MADE)
    assert refused.value.field == "made_on"
    assert deps.core.store.commits == []
