"""Closing a case: reasons, pending international tracks, flags."""

from __future__ import annotations

from datetime import timedelta

import pytest
from casework.domain.case import CASE, CaseClosed
from casework.domain.case_commands import change_stage
from casework_factories import TODAY, a_case
from servicekit.errors import Conflict, InvalidInput


def close(case, reason, **kwargs):
    return change_stage(case, track="domestic", to_stage="closed", closure_reason=reason,
                        effective_on=kwargs.get("effective_on", TODAY), today=TODAY)


def test_closing_records_the_stage_change_and_the_closure():
    events = close(a_case(stage="judgment"), "judgment")
    assert isinstance(events[1], CaseClosed)
    assert (events[1].closure_reason, events[1].from_stage) == ("judgment", "judgment")
    closed = CASE.fold("case-1", a_case(stage="judgment"), events)
    assert (closed.status, closed.stage, closed.closure_reason) == ("closed", "closed", "judgment")


def test_closing_without_a_reason_is_invalid_input():
    with pytest.raises(InvalidInput) as refused:
        close(a_case(), None)
    assert refused.value.field == "closure_reason"


def test_unknown_closure_reason_is_invalid_input():
    with pytest.raises(InvalidInput, match="unknown_term"):
        close(a_case(), "bribery")


def test_judgment_cannot_close_a_case_still_under_investigation():
    with pytest.raises(Conflict) as refused:
        close(a_case(stage="judicial_investigation"), "judgment")
    assert "dismissal" in refused.value.extra["allowed"]


def test_dismissal_closes_a_judicial_investigation():
    assert close(a_case(stage="judicial_investigation"), "dismissal")[1].closure_reason == "dismissal"


def test_a_case_with_a_pending_international_track_does_not_close():
    with pytest.raises(Conflict, match="international_tracks_pending"):
        close(a_case(stage="judgment", tracks={"icc": "merits"}), "judgment")


def test_closure_reason_on_an_international_track_is_refused():
    with pytest.raises(InvalidInput):
        change_stage(a_case(tracks={"icc": "decision"}), track="icc", to_stage="closed", closure_reason="judgment",
                     effective_on=TODAY, today=TODAY)


def test_flagged_case_can_only_be_closed():
    flagged = a_case(flags=["consent_withdrawn"])
    with pytest.raises(Conflict, match="case_flagged_close_only"):
        change_stage(flagged, track="domestic", to_stage="complaint_civil_party", closure_reason=None,
                     effective_on=TODAY, today=TODAY)
    assert close(flagged, "withdrawal")[1].closure_reason == "withdrawal"


def test_effective_date_in_the_future_is_invalid_input():
    with pytest.raises(InvalidInput) as refused:
        change_stage(a_case(), track="domestic", to_stage="complaint_civil_party", closure_reason=None,
                     effective_on=TODAY + timedelta(days=1), today=TODAY)
    assert refused.value.field == "effective_on"


def test_history_keeps_every_step_in_order():
    case = a_case()
    for target in ("complaint_civil_party", "judicial_investigation", "committal"):
        case = CASE.fold("case-1", case, change_stage(case, track="domestic", to_stage=target, closure_reason=None,
                                                      effective_on=TODAY, today=TODAY))
    assert [(s.from_stage, s.to_stage) for s in case.history] == [
        ("referral_accepted", "complaint_civil_party"), ("complaint_civil_party", "judicial_investigation"),
        ("judicial_investigation", "committal")]
