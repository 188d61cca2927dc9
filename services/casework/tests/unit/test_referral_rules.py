"""The referral inbox: one entry per referral, for its addressee; accept once, decline with a reason, pass on
within the victim's consent, flags."""

from __future__ import annotations

from datetime import datetime

import pytest
from casework.domain import referral
from casework.domain.case import case_id_for
from casework.domain.referral import REFERRAL, ReferralAccepted, ReferralTransferred
from servicekit.errors import Conflict, InvalidInput, NotFound

REFERRED_AT = datetime.fromisoformat("2026-03-01T08:00:00+00:00")


def received(**overrides):
    kwargs = {"referral_id": "ref-1", "victim_id": "vic-1", "needs": ["legal", "legal", "medical"],
              "urgency": "high", "incident_ids": ["inc-2", "inc-1"], "referring_organisation": "org-doc",
              "receiving_organisation": "org-legal", "referred_at": REFERRED_AT, "flags": []} | overrides
    return REFERRAL.fold("ref-1", None, referral.receive(None, **kwargs))


def test_receiving_the_same_referral_again_adds_nothing():
    entry = received()
    assert referral.receive(entry, referral_id="ref-1", victim_id="vic-1", needs=[], urgency="low", incident_ids=[],
                            referring_organisation="org-doc", receiving_organisation="org-legal",
                            referred_at=REFERRED_AT, flags=[]) == []


def test_received_entry_is_pending_with_deduplicated_needs_and_incidents():
    entry = received()
    assert (entry.status, entry.needs, entry.incident_ids) == ("pending", ["legal", "medical"], ["inc-1", "inc-2"])


def test_accepting_names_the_case_derived_from_the_referral():
    events = referral.accept(received(), case_id=case_id_for("ref-1"), organisation="org-legal",
                             lawyers=["lawyer-a"], court=None)
    assert isinstance(events[0], ReferralAccepted)
    assert events[0].case_id == case_id_for("ref-1") != case_id_for("ref-2")
    assert (events[0].victim_id, events[0].organisation) == ("vic-1", "org-legal")


def test_a_referral_is_accepted_only_once():
    entry = REFERRAL.fold("ref-1", received(), referral.accept(received(), case_id="c", organisation="org-legal",
                                                               lawyers=["lawyer-a"], court=None))
    with pytest.raises(Conflict, match="referral_already_decided"):
        referral.accept(entry, case_id="c", organisation="org-legal", lawyers=["lawyer-b"], court=None)
    with pytest.raises(NotFound):  # and another organisation does not even learn it exists
        referral.accept(entry, case_id="c", organisation="org-wildaf", lawyers=["lawyer-b"], court=None)


def test_duplicate_lawyer_in_acceptance_is_invalid_input():
    with pytest.raises(InvalidInput, match="lawyer_listed_twice") as refused:
        referral.accept(received(), case_id="c", organisation="org-legal", lawyers=["lawyer-a", "lawyer-a"],
                        court=None)
    assert refused.value.field == "lawyers"


def test_unknown_court_in_acceptance_is_invalid_input():
    with pytest.raises(InvalidInput) as refused:
        referral.accept(received(), case_id="c", organisation="org-legal", lawyers=["lawyer-a"], court="atlantis")
    assert refused.value.field == "court"


def test_flagged_referral_can_be_declined_but_not_accepted():
    flagged = received(flags=["consent_withdrawn"])
    with pytest.raises(Conflict, match="referral_flagged"):
        referral.accept(flagged, case_id="c", organisation="org-legal", lawyers=["lawyer-a"], court=None)
    assert referral.decline(flagged, organisation="org-legal", reason="victim_declined")[0].reason == "victim_declined"


def test_decline_needs_a_known_reason():
    with pytest.raises(InvalidInput) as refused:
        referral.decline(received(), organisation="org-legal", reason="too_busy_today")
    assert refused.value.field == "reason"


def test_deciding_an_unknown_referral_is_not_found():
    with pytest.raises(NotFound):
        referral.decline(None, organisation="org-legal", reason="no_capacity")


def test_flagging_twice_is_a_no_op_and_erasure_is_never_lifted():
    flagged = REFERRAL.fold("ref-1", received(), referral.flag(received(), flag="victim_erased"))
    assert referral.flag(flagged, flag="victim_erased") == []
    assert referral.clear_flag(flagged, flag="victim_erased") == []


def test_only_the_addressee_sees_and_decides_a_pending_referral():
    entry = received()
    assert referral.sees(entry, "org-legal") and not referral.sees(entry, "org-wildaf")
    with pytest.raises(NotFound):
        referral.accept(entry, case_id="c", organisation="org-wildaf", lawyers=["lawyer-a"], court=None)
    with pytest.raises(NotFound):
        referral.decline(entry, organisation="org-wildaf", reason="no_capacity")


def test_accepting_is_refused_once_the_victim_no_longer_shares_with_the_organisation():
    with pytest.raises(Conflict) as refused:
        referral.accept(received(), case_id="c", organisation="org-legal", lawyers=["lawyer-a"], court=None,
                        shares=False)
    assert refused.value.field == "organisation"


def test_a_referral_without_addressee_is_in_every_legal_aid_inbox_but_accepted_only_with_consent_to_share():
    legacy = received(receiving_organisation=None)
    assert referral.sees(legacy, "org-wildaf") and not referral.sees(legacy, "org-amdh")
    with pytest.raises(Conflict, match="sharing_consent_unknown"):
        referral.accept(legacy, case_id="c", organisation="org-wildaf", lawyers=["lawyer-a"], court=None)
    [accepted] = referral.accept(legacy, case_id="c", organisation="org-wildaf", lawyers=["lawyer-a"], court=None,
                                 shares=True)
    assert accepted.organisation == "org-wildaf"


def test_passing_on_to_an_organisation_the_victim_shares_with_readdresses_the_referral():
    [moved] = referral.transfer(received(), organisation="org-legal", to="org-wildaf",
                                sharing=("org-legal", "org-wildaf"))
    assert isinstance(moved, ReferralTransferred)
    assert (moved.from_organisation, moved.to_organisation) == ("org-legal", "org-wildaf")
    entry = REFERRAL.fold("ref-1", received(), [moved])
    assert (entry.receiving_organisation, entry.passed_on_by, entry.status) == ("org-wildaf", ["org-legal"], "pending")
    assert referral.sees(entry, "org-wildaf") and not referral.sees(entry, "org-legal")


def test_passing_on_outside_the_victims_consent_is_a_conflict_naming_where_it_may_go():
    with pytest.raises(Conflict) as refused:
        referral.transfer(received(), organisation="org-legal", to="org-wildaf", sharing=("org-legal", "org-fidh"))
    assert refused.value.field == "organisation" and refused.value.extra["allowed"] == []


@pytest.mark.parametrize("target", ["org-fidh", "org-nowhere"])
def test_passing_on_to_an_organisation_that_gives_no_legal_aid_is_invalid(target):
    with pytest.raises(InvalidInput) as refused:
        referral.transfer(received(), organisation="org-legal", to=target, sharing=("org-legal", "org-fidh"))
    assert refused.value.field == "organisation"


def test_passing_on_needs_the_victims_consent_to_be_known_and_the_referral_unflagged():
    with pytest.raises(Conflict, match="sharing_consent_not_yet_known"):
        referral.transfer(received(), organisation="org-legal", to="org-wildaf", sharing=None)
    with pytest.raises(Conflict, match="referral_flagged"):
        referral.transfer(received(flags=["consent_withdrawn"]), organisation="org-legal", to="org-wildaf",
                          sharing=("org-wildaf",))


def test_where_a_referral_may_go_next_are_the_other_legal_aid_organisations_the_victim_shares_with():
    assert referral.transfer_targets(received(), ("org-fidh", "org-legal", "org-wildaf")) == ["org-wildaf"]
    assert referral.transfer_targets(received(), None) == []
