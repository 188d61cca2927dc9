"""Education's command handlers on the kit's in-memory event store: keys, the clock, campaigns (no I/O)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from education.domain.campaign import CampaignDraft, RegionTarget
from education.domain.session import SessionDraft
from education.handlers.campaigns import launch_campaign
from education.handlers.sessions import record_session
from servicekit.api import Caller, RequestKey
from servicekit.errors import Conflict, InvalidInput
from servicekit.eventstore import CommandContext
from servicekit.testing import FakeClock, MemoryEventStore

EDUCATOR = Caller(subject="educator-1", roles=frozenset({"educator"}), organisation="org-edu", is_service=False,
                  context=CommandContext(actor="educator-1"))
# Bamako keeps UTC all year: just before midnight it is still 1 June there.
LATE_ON_1_JUNE = datetime(2025, 6, 1, 23, 59, tzinfo=UTC)


def deps(clock: FakeClock | None = None) -> SimpleNamespace:
    return SimpleNamespace(core=SimpleNamespace(store=MemoryEventStore(), clock=clock or FakeClock(LATE_ON_1_JUNE)))


def draft(**overrides) -> SessionDraft:
    return SessionDraft(**{"held_on": date(2025, 5, 12), "region": "mopti", "venue": "radio",
                           "topics": ["victims_rights"], "audience": [{"sex": "male", "age_band": "18_24", "count": 9}],
                           **overrides})


def key(body: SessionDraft | CampaignDraft, value: str = "tablet-7:0001") -> RequestKey | None:
    return RequestKey.of(EDUCATOR, value, body.model_dump(mode="json"))


async def test_a_session_retried_with_its_key_and_body_is_recorded_once_and_answers_the_same():
    wiring, body = deps(), draft()
    first = await record_session(wiring, EDUCATOR, body, key(body))
    again = await record_session(wiring, EDUCATOR, body, key(body))
    assert again.duplicate and (again.aggregate_id, again.state) == (first.aggregate_id, first.state)
    assert len(wiring.core.store.commits) == 1


async def test_a_key_reused_with_another_session_is_refused_and_records_nothing():
    wiring = deps()
    await record_session(wiring, EDUCATOR, draft(), key(draft()))
    other = draft(region="gao")
    with pytest.raises(Conflict) as refused:
        await record_session(wiring, EDUCATOR, other, key(other))
    assert (refused.value.code, refused.value.field) == ("idempotency_key_reused", "Idempotency-Key")
    assert len(wiring.core.store.commits) == 1


async def test_sessions_sent_without_a_key_are_two_sessions():
    wiring = deps()
    first = await record_session(wiring, EDUCATOR, draft(), None)
    second = await record_session(wiring, EDUCATOR, draft(), None)
    assert first.aggregate_id != second.aggregate_id and len(wiring.core.store.commits) == 2


async def test_today_is_the_service_clock_s_date_in_bamako():
    clock = FakeClock(LATE_ON_1_JUNE)
    wiring = deps(clock)
    assert (await record_session(wiring, EDUCATOR, draft(held_on=date(2025, 6, 1)), None)).state.held_on
    with pytest.raises(InvalidInput) as refused:
        await record_session(wiring, EDUCATOR, draft(held_on=date(2025, 6, 2)), None)
    assert refused.value.field == "held_on"
    clock.advance(datetime(2025, 6, 2, 0, 1, tzinfo=UTC) - LATE_ON_1_JUNE)
    assert (await record_session(wiring, EDUCATOR, draft(held_on=date(2025, 6, 2)), None)).state.held_on


async def test_a_session_counts_towards_the_campaign_it_names_when_that_campaign_covers_it():
    wiring = deps()
    campaign = CampaignDraft(name="Radio 2025", goals=["Every cercle hears it"], topics=["victims_rights"],
                             period_start=date(2025, 1, 1), period_end=date(2025, 12, 31),
                             targets=[RegionTarget(region="mopti", youth_target=500, sessions_target=10)])
    launched = await launch_campaign(wiring, EDUCATOR, campaign, key(campaign, "campaign-0001"))
    held = await record_session(wiring, EDUCATOR, draft(campaign_id=launched.aggregate_id), None)
    assert held.state.campaign_id == launched.aggregate_id
    with pytest.raises(InvalidInput) as refused:
        await record_session(wiring, EDUCATOR, draft(campaign_id=launched.aggregate_id, region="gao"), None)
    assert refused.value.code == "campaign_not_covering"
