"""The stage machine, generated from the transition table: every allowed and every refused move."""

from __future__ import annotations

import itertools

import pytest
from casework.domain.case import CaseStageChanged
from casework.domain.case_commands import change_stage
from casework.domain.procedure import CLOSED, DOMESTIC, check_transition, international_tracks, tracks
from casework_factories import TODAY, a_case
from servicekit.errors import Conflict, InvalidInput


def all_pairs() -> list[tuple[str, str, str, bool]]:
    pairs = []
    for code, track in tracks().items():
        for source, target in itertools.product(track.stages, track.stages):
            pairs.append((code, source, target, target in track.allowed_next(source)))
    return pairs


def reason_allowed_from(track: str, stage: str) -> str | None:
    reasons = tracks()[track].closure_reasons
    return next((code for code, r in reasons.items() if stage in r.from_stages), None)


def case_at(track: str, stage: str):
    return a_case(stage=stage) if track == DOMESTIC else a_case(tracks={track: stage})


ALLOWED = [p for p in all_pairs() if p[3]]
REFUSED = [p for p in all_pairs() if not p[3]]


@pytest.mark.parametrize(("track", "source", "target", "_"), ALLOWED)
def test_allowed_transition_records_one_stage_change(track, source, target, _):
    reason = reason_allowed_from(track, source) if track == DOMESTIC and target == CLOSED else None
    events = change_stage(case_at(track, source), track=track, to_stage=target, closure_reason=reason,
                          effective_on=TODAY, today=TODAY)
    changed = events[0]
    assert isinstance(changed, CaseStageChanged)
    assert (changed.track, changed.from_stage, changed.to_stage) == (track, source, target)
    assert changed.victim_ids == ["vic-1"]


@pytest.mark.parametrize(("track", "source", "target", "_"), REFUSED)
def test_refused_transition_is_a_conflict_naming_the_allowed_next_stages(track, source, target, _):
    if track == DOMESTIC and source == CLOSED:
        case = a_case(stage=CLOSED).model_copy(update={"status": "closed"})
        with pytest.raises(Conflict, match="case_closed"):
            change_stage(case, track=track, to_stage=target, closure_reason=None, effective_on=TODAY, today=TODAY)
        return
    with pytest.raises(Conflict) as refused:
        change_stage(case_at(track, source), track=track, to_stage=target, closure_reason=None,
                     effective_on=TODAY, today=TODAY)
    assert refused.value.status == 409
    assert refused.value.extra["allowed_next"] == list(tracks()[track].allowed_next(source))


def test_table_covers_the_civil_law_procedure_in_order():
    domestic = tracks()[DOMESTIC]
    assert list(domestic.stages) == ["referral_accepted", "complaint_civil_party", "preliminary_investigation",
                                     "judicial_investigation", "committal", "trial", "judgment", "appeal",
                                     "cassation", "enforcement_reparations", "closed"]
    assert set(domestic.closure_reasons) == {"judgment", "dismissal", "withdrawal", "prescription", "amnesty",
                                             "victim_unreachable"}


def test_parallel_tracks_are_the_icc_ecowas_african_commission_and_un_bodies():
    assert set(international_tracks()) == {"icc", "ecowas_court", "african_commission", "un_bodies"}


@pytest.mark.parametrize("track", list(tracks()))
def test_every_stage_is_reachable_from_the_initial_one(track):
    table = tracks()[track]
    reached, frontier = {table.initial}, [table.initial]
    while frontier:
        for nxt in table.allowed_next(frontier.pop()):
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    assert reached == set(table.stages)


@pytest.mark.parametrize("track", list(tracks()))
def test_closed_is_terminal_and_reachable_from_every_started_stage(track):
    table = tracks()[track]
    assert table.allowed_next(CLOSED) == ()
    started = [s for s in table.stages if s not in (CLOSED, "not_started")]
    assert all(CLOSED in table.allowed_next(s) for s in started)


def test_a_fresh_case_cannot_jump_to_trial():
    with pytest.raises(Conflict, match="stage_move_not_allowed") as refused:
        check_transition(DOMESTIC, "referral_accepted", "trial", None)
    assert refused.value.params["allowed_next"] == ["complaint_civil_party", "closed"]


def test_unknown_stage_is_invalid_input_naming_the_field():
    with pytest.raises(InvalidInput) as refused:
        check_transition(DOMESTIC, "referral_accepted", "hearing_of_the_century", None)
    assert refused.value.field == "to_stage"
    assert "complaint_civil_party" in refused.value.extra["allowed"]


def test_unknown_track_is_invalid_input():
    with pytest.raises(InvalidInput) as refused:
        change_stage(a_case(), track="interpol", to_stage="closed", closure_reason=None, effective_on=TODAY,
                     today=TODAY)
    assert refused.value.field == "track"
