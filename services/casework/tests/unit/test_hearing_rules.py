"""Hearings: scheduling in the future in Bamako time, postponement, held, cancelled."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from casework.domain import hearing
from casework.domain.hearing import HEARING, HearingRescheduled
from casework_factories import NOW
from servicekit.errors import Conflict, InvalidInput

LATER = NOW + timedelta(days=10)


def scheduled(starts_at=LATER, **overrides):
    kwargs = {"hearing_id": "h-1", "case_id": "case-1", "victim_ids": ["vic-1"], "court": "ml-pjs-bamako",
              "chamber": None, "starts_at": starts_at, "ends_at": None, "purpose": "trial", "now": NOW} | overrides
    return HEARING.fold("h-1", None, hearing.schedule(None, **kwargs))


def test_scheduled_hearing_names_court_city_and_victims():
    event = hearing.schedule(None, hearing_id="h-1", case_id="case-1", victim_ids=["vic-1"], court="ml-tgi-mopti",
                             chamber="Chambre correctionnelle", starts_at=LATER, ends_at=None, purpose="trial",
                             now=NOW)[0]
    data = event.model_dump(mode="json")
    assert (data["court_name"], data["city"], data["victim_ids"]) == ("Tribunal de grande instance de Mopti",
                                                                      "Mopti", ["vic-1"])
    assert data["starts_at"].endswith("+00:00")


def test_a_time_with_another_offset_is_stored_in_bamako_time():
    paris_morning = datetime(2026, 4, 1, 11, 0, tzinfo=timezone(timedelta(hours=2)))
    assert scheduled(starts_at=paris_morning).starts_at.isoformat() == "2026-04-01T09:00:00+00:00"


def test_a_naive_time_is_read_as_bamako_time():
    assert scheduled(starts_at=datetime(2026, 4, 1, 9, 0)).starts_at.isoformat() == "2026-04-01T09:00:00+00:00"


def test_scheduling_in_the_past_is_invalid_input():
    with pytest.raises(InvalidInput) as refused:
        scheduled(starts_at=NOW - timedelta(minutes=1))
    assert refused.value.field == "starts_at"


def test_ending_before_starting_is_invalid_input():
    with pytest.raises(InvalidInput) as refused:
        scheduled(ends_at=LATER - timedelta(hours=1))
    assert refused.value.field == "ends_at"


def test_unknown_court_is_invalid_input():
    with pytest.raises(InvalidInput) as refused:
        scheduled(court="cour-de-nulle-part")
    assert refused.value.field == "court"


def test_a_typo_year_far_ahead_is_invalid_input():
    with pytest.raises(InvalidInput, match="date_too_far"):
        scheduled(starts_at=LATER.replace(year=2205))


def test_rescheduling_keeps_the_previous_date_and_reason():
    events = hearing.reschedule(scheduled(), starts_at=LATER + timedelta(days=7), ends_at=None, reason="strike",
                                now=NOW)
    assert isinstance(events[0], HearingRescheduled)
    moved = HEARING.fold("h-1", scheduled(), events)
    assert moved.postponements[0].from_starts_at == LATER.replace(microsecond=0)
    assert moved.starts_at == (LATER + timedelta(days=7)).replace(microsecond=0)


def test_a_hearing_cannot_be_recorded_as_held_before_it_starts():
    with pytest.raises(Conflict, match="hearing_not_started"):
        hearing.record_held(scheduled(), outcome="testimony_heard", now=NOW)


def test_a_held_hearing_cannot_be_cancelled():
    held = HEARING.fold("h-1", scheduled(), hearing.record_held(scheduled(), outcome="testimony_heard",
                                                                now=LATER + timedelta(hours=3)))
    with pytest.raises(Conflict, match="hearing_already_final"):
        hearing.cancel(held, reason="other")
