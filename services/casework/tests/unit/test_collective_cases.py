"""Collective cases: a victim leaving, and the table of which stage moves need every victim's consent."""

from __future__ import annotations

import pytest
from casework.domain import case_commands
from casework.domain.case import CASE, Case, CaseFlagged, CaseVictimRemoved, VictimFlag
from casework.domain.collective import (
    ALWAYS,
    EVERY_VICTIM,
    ONE_VICTIM,
    consent_needed,
    join_victim,
    leave,
    moves_allowed,
)
from casework.domain.procedure import tracks
from casework_factories import TODAY, a_case
from servicekit.errors import Conflict

# The decisions, restated here so that a change to vocabularies/consent_rules.json is a deliberate one.
TABLE = {
    ("domestic", "complaint_civil_party"): EVERY_VICTIM,
    ("domestic", "preliminary_investigation"): ONE_VICTIM,
    ("domestic", "judicial_investigation"): ONE_VICTIM,
    ("domestic", "committal"): ONE_VICTIM,
    ("domestic", "trial"): ONE_VICTIM,
    ("domestic", "judgment"): ONE_VICTIM,
    ("domestic", "appeal"): EVERY_VICTIM,
    ("domestic", "cassation"): EVERY_VICTIM,
    ("domestic", "enforcement_reparations"): ONE_VICTIM,
    ("domestic", "closed"): ALWAYS,
    ("icc", "communication_submitted"): EVERY_VICTIM,
    ("ecowas_court", "admissibility"): ONE_VICTIM,
    ("african_commission", "merits"): ONE_VICTIM,
    ("un_bodies", "decision"): ONE_VICTIM,
    ("icc", "follow_up"): ONE_VICTIM,
    ("un_bodies", "closed"): ALWAYS,
}


def two_victims(stage: str | None = None) -> Case:
    case = a_case(stage=stage)
    joined = CASE.fold(case.id, case, join_victim(case, victim_id="vic-2", referral_id="ref-2"))
    assert joined is not None
    return joined


def withdrawn(case: Case, victim_id: str) -> Case:
    """As a case flagged for one victim before victims left collective cases (a stored projection)."""
    flags = [*case.victim_flags, VictimFlag(victim_id=victim_id, flag="consent_withdrawn")]
    return case.model_copy(update={"victim_flags": flags, "flags": ["consent_withdrawn"]})


@pytest.mark.parametrize(("track", "to_stage"), sorted(TABLE))
def test_the_consent_each_move_needs_is_the_one_decided(track, to_stage):
    assert consent_needed(track, to_stage) == TABLE[(track, to_stage)]


def test_every_stage_a_case_can_move_to_is_decided_on_every_track():
    for code, track in tracks().items():
        for stage in {target for s in track.stages.values() for target in s.next}:
            assert consent_needed(code, stage) in (EVERY_VICTIM, ONE_VICTIM, ALWAYS)


def test_a_victim_who_withdraws_from_a_collective_case_leaves_it_with_her_referral_named():
    case = two_victims()
    [removed] = leave(case, victim_id="vic-2", reason="consent_withdrawn")
    assert removed == CaseVictimRemoved(case_id="case-1", victim_id="vic-2", referral_id="ref-2",
                                        reason="consent_withdrawn")
    after = CASE.fold("case-1", case, [removed])
    assert after is not None
    assert (after.victim_ids, after.flags, [r.victim_id for r in after.removed_victims]) == (["vic-1"], [], ["vic-2"])


def test_the_first_victim_leaves_too_and_her_referral_is_the_one_that_opened_the_case():
    [removed] = leave(two_victims(), victim_id="vic-1", reason="victim_erased")
    assert (removed.referral_id, removed.reason) == ("ref-1", "victim_erased")


def test_the_last_victim_is_flagged_instead_and_leaving_twice_changes_nothing():
    case = two_victims()
    one_left = CASE.fold("case-1", case, leave(case, victim_id="vic-2", reason="consent_withdrawn"))
    assert one_left is not None
    [flagged] = leave(one_left, victim_id="vic-1", reason="consent_withdrawn")
    assert flagged == CaseFlagged(case_id="case-1", victim_id="vic-1", flag="consent_withdrawn")
    assert leave(one_left, victim_id="vic-2", reason="consent_withdrawn") == []


def test_a_victim_leaves_a_closed_collective_case_too():
    closed = two_victims().model_copy(update={"status": "closed"})
    assert isinstance(leave(closed, victim_id="vic-2", reason="victim_erased")[0], CaseVictimRemoved)


def test_a_step_in_every_victims_name_is_refused_while_one_victim_has_withdrawn_naming_her():
    case = withdrawn(two_victims(stage="judgment"), "vic-2")
    with pytest.raises(Conflict) as refused:
        case_commands.change_stage(case, track="domestic", to_stage="appeal", closure_reason=None,
                                   effective_on=TODAY, today=TODAY)
    assert refused.value.code == "every_victim_consent_needed"
    assert refused.value.extra["victims_without_consent"] == ["vic-2"]


def test_a_step_of_the_procedure_goes_on_for_the_victims_who_still_consent():
    case = withdrawn(two_victims(stage="trial"), "vic-2")
    [moved] = case_commands.change_stage(case, track="domestic", to_stage="judgment", closure_reason=None,
                                         effective_on=TODAY, today=TODAY)
    assert moved.to_stage == "judgment"  # type: ignore[attr-defined]


def test_a_case_no_victim_consents_to_any_more_may_only_be_closed():
    case = withdrawn(withdrawn(two_victims(stage="trial"), "vic-1"), "vic-2")
    assert moves_allowed(case, "domestic") == ["closed"]
    with pytest.raises(Conflict, match="case_flagged_close_only"):
        case_commands.change_stage(case, track="domestic", to_stage="judgment", closure_reason=None,
                                   effective_on=TODAY, today=TODAY)


def test_the_allowed_moves_shown_follow_the_table():
    case = withdrawn(two_victims(stage="judgment"), "vic-2")
    assert moves_allowed(case, "domestic") == ["enforcement_reparations", "closed"]
    assert moves_allowed(two_victims(stage="judgment"), "domestic") == ["appeal", "enforcement_reparations",
                                                                         "closed"]
    assert moves_allowed(case, "icc") == []  # lodging a communication is in every victim's name
