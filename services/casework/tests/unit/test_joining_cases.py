"""A referral accepted into an existing case: the victim joins, refusals, retries, flags per victim."""

from __future__ import annotations

import pytest
from casework.domain import case_commands
from casework.domain.case import CASE, Case, CaseVictimJoined
from casework.domain.collective import join_victim, record_join
from casework.domain.hearing import schedule
from casework_factories import NOW, a_case
from servicekit.errors import Conflict, NotFound


def joined(case: Case | None = None, victim_id: str = "vic-2", referral_id: str = "ref-2") -> Case:
    case = case or a_case()
    folded = CASE.fold(case.id, case, join_victim(case, victim_id=victim_id, referral_id=referral_id))
    assert folded is not None
    return folded


def test_joining_adds_the_victim_and_the_referral_to_the_case():
    events = join_victim(a_case(), victim_id="vic-2", referral_id="ref-2")
    assert events == [CaseVictimJoined(case_id="case-1", victim_id="vic-2", referral_id="ref-2")]
    case = joined()
    assert (case.victim_ids, case.referral_ids, case.referral_id) == (["vic-1", "vic-2"], ["ref-1", "ref-2"], "ref-1")
    assert (case.lawyers, case.status, case.flags) == (["lawyer-a"], "open", [])


def test_the_same_referral_joining_again_changes_nothing():
    case = joined()
    assert join_victim(case, victim_id="vic-2", referral_id="ref-2") == []
    assert record_join(case, victim_id="vic-2", referral_id="ref-2") == []
    # A retry is still a no-op once the case has closed or been flagged since.
    assert join_victim(case.model_copy(update={"status": "closed"}), victim_id="vic-2", referral_id="ref-2") == []


def test_a_victim_already_in_the_case_cannot_join_it_again():
    with pytest.raises(Conflict, match="victim_already_in_case") as refused:
        join_victim(a_case(), victim_id="vic-1", referral_id="ref-9")
    assert refused.value.field == "case_id"


def test_a_closed_case_accepts_no_victim():
    with pytest.raises(Conflict, match="case_closed"):
        join_victim(a_case().model_copy(update={"status": "closed"}), victim_id="vic-2", referral_id="ref-2")


def test_a_flagged_case_accepts_no_victim():
    with pytest.raises(Conflict, match="case_flagged_no_join"):
        join_victim(a_case(flags=["consent_withdrawn"]), victim_id="vic-2", referral_id="ref-2")


def test_recording_an_accepted_join_does_not_refuse_and_needs_the_case():
    flagged = a_case(flags=["victim_erased"])
    assert record_join(flagged, victim_id="vic-2", referral_id="ref-2")[0].victim_id == "vic-2"
    assert record_join(a_case(), victim_id="vic-1", referral_id="ref-9") == []
    with pytest.raises(NotFound):
        record_join(None, victim_id="vic-2", referral_id="ref-2")


def test_flags_are_kept_per_victim_and_lifted_per_victim():
    case = joined()
    first = CASE.fold("case-1", case, case_commands.flag(case, victim_id="vic-1", flag="consent_withdrawn"))
    both = CASE.fold("case-1", first, case_commands.flag(first, victim_id="vic-2", flag="consent_withdrawn"))
    assert both is not None and both.flags == ["consent_withdrawn"]
    assert (both.flags_of("vic-1"), both.flags_of("vic-2")) == (["consent_withdrawn"], ["consent_withdrawn"])
    assert case_commands.flag(both, victim_id="vic-2", flag="consent_withdrawn") == []
    # The first victim's renewed consent lifts their flag only: the case stays flagged for the second.
    lifted = CASE.fold("case-1", both, case_commands.clear_flag(both, victim_id="vic-1", flag="consent_withdrawn"))
    assert lifted is not None
    assert (lifted.flags, lifted.flags_of("vic-1"), lifted.flags_of("vic-2")) == (["consent_withdrawn"], [],
                                                                                  ["consent_withdrawn"])


def test_erasing_the_joined_victim_flags_the_case_for_that_victim_only():
    case = joined()
    erased = CASE.fold("case-1", case, case_commands.flag(case, victim_id="vic-2", flag="victim_erased"))
    assert erased is not None
    assert (erased.flags, erased.flags_of("vic-2"), erased.flags_of("vic-1")) == (["victim_erased"],
                                                                                 ["victim_erased"], [])
    assert case_commands.clear_flag(erased, victim_id="vic-2", flag="victim_erased") == []


def test_a_victim_outside_the_case_never_flags_it():
    assert case_commands.flag(a_case(), victim_id="vic-2", flag="victim_erased") == []


def test_a_hearing_of_a_joined_case_names_every_victim():
    case = joined()
    events = schedule(None, hearing_id="h-1", case_id=case.id, victim_ids=case.victim_ids, court="ml-tgi-mopti",
                      chamber=None, starts_at=NOW.replace(day=10), ends_at=None, purpose="trial", now=NOW)
    assert events[0].victim_ids == ["vic-1", "vic-2"]


def test_a_projection_from_before_joins_reads_as_its_single_victims():
    doc = {"id": "case-1", "referral_id": "ref-1", "organisation": "org-legal", "victim_ids": ["vic-1"],
           "incident_ids": [], "lawyers": ["lawyer-a"], "stage": "referral_accepted", "flags": ["victim_erased"],
           "opened_on": "2026-03-02"}
    case = Case.model_validate(doc)
    assert (case.referral_ids, case.flags_of("vic-1")) == (["ref-1"], ["victim_erased"])
