"""A referral's status folded from casework's answers, whatever order they arrive in."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from intake.domain.referral_status import ReferralAnswer, status_of
from intake.domain.victim import Referral

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REFERRAL = Referral(referral_id="r-1", needs=["legal_advice"], urgency="high", incident_ids=[],
                    referring_organisation="org-amdh", receiving_organisation="org-legal")


def answer(kind: str, minutes: int, **facts: str) -> ReferralAnswer:
    return ReferralAnswer(referral_id="r-1", kind=kind, at=T0 + timedelta(minutes=minutes), **facts)


def test_without_an_answer_the_referral_is_pending_with_its_addressee():
    status = status_of("v-1", REFERRAL, [])
    assert (status.status, status.receiving_organisation, status.case_id) == ("pending", "org-legal", None)


def test_a_declined_referral_shows_the_organisation_and_the_reason_code():
    status = status_of("v-1", REFERRAL, [answer("declined", 1, organisation="org-legal", reason="no_capacity")])
    assert (status.status, status.decided_by, status.decline_reason) == ("declined", "org-legal", "no_capacity")


def test_a_referral_passed_on_is_pending_with_its_new_addressee_and_who_passed_it():
    status = status_of("v-1", REFERRAL, [answer("transferred", 1, organisation="org-wildaf",
                                                from_organisation="org-legal")])
    assert (status.status, status.receiving_organisation, status.passed_on_by) == (
        "pending", "org-wildaf", ["org-legal"])


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_an_accepted_referral_shows_the_organisation_and_its_case_whatever_the_arrival_order(order):
    answers = [answer("transferred", 1, organisation="org-wildaf", from_organisation="org-legal"),
               answer("accepted", 2, organisation="org-wildaf", case_id="c-1"),
               answer("case_opened", 3, organisation="org-wildaf", case_id="c-1")]
    status = status_of("v-1", REFERRAL, [answers[i] for i in order])
    assert (status.status, status.decided_by, status.case_id, status.case_opened) == (
        "accepted", "org-wildaf", "c-1", True)
    assert status.updated_at == T0 + timedelta(minutes=3)


def test_a_referral_accepted_into_an_existing_case_shows_the_case_joined():
    status = status_of("v-1", REFERRAL, [answer("joined_case", 2, case_id="c-9"),
                                         answer("accepted", 1, organisation="org-legal", case_id="c-9")])
    assert (status.status, status.case_id, status.decided_by) == ("joined_case", "c-9", "org-legal")


def test_a_victim_who_left_the_case_is_shown_as_having_left_it():
    status = status_of("v-1", REFERRAL, [answer("accepted", 1, organisation="org-legal", case_id="c-1"),
                                         answer("left_case", 5, case_id="c-1", reason="consent_withdrawn")])
    assert (status.status, status.left_case) == ("accepted", True)
