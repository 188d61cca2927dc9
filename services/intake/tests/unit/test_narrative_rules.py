"""Rules on an incident's texts: clearance, accounts naming their source once, no-op records and erasures."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from intake.domain.access import Viewer
from intake.domain.incident import INCIDENT, AccountDigest, IncidentDocumented, IncidentNarrativeErased
from intake.domain.narrative_rules import SourceAccountInput, check_accounts, erase, readable, record
from servicekit.errors import InvalidInput, NotFound

MONITOR = Viewer.of("org-amdh", {"monitor"})
OFFICER = Viewer.of("org-amdh", {"documentation_officer"})
DIGEST = "a" * 64
NOW = datetime(2026, 3, 2, tzinfo=UTC)


def incident(confidentiality: str = "restricted"):
    documented = IncidentDocumented(organisation="org-amdh", occurred_on=date(2024, 3, 2), region="mopti",
                                    violation_types=["massacre"], confidentiality=confidentiality)
    return INCIDENT.fold("inc-1", None, [documented])


def test_a_confidential_incidents_texts_are_for_its_documentation_officers_only():
    with pytest.raises(NotFound):
        readable(incident("confidential"), MONITOR)
    assert readable(incident("confidential"), OFFICER).id == "inc-1"


def test_another_organisation_is_never_cleared():
    with pytest.raises(NotFound):
        readable(incident("public"), Viewer.of("org-fidh", {"documentation_officer"}))


def test_an_account_must_name_an_existing_source_and_only_once():
    with pytest.raises(InvalidInput) as refused:
        check_accounts([SourceAccountInput(source=2, text="x")], source_count=2)
    assert refused.value.field == "source_accounts.0.source"
    with pytest.raises(InvalidInput) as twice:
        check_accounts([SourceAccountInput(source=0, text="x"), SourceAccountInput(source=0, text="y")], 1)
    assert twice.value.field == "source_accounts.1.source"


def test_recording_the_same_digests_again_is_no_change():
    accounts = [AccountDigest(source=0, sha256=DIGEST)]
    state = INCIDENT.fold("inc-1", incident(), record(incident(), viewer=MONITOR, narrative_sha256=DIGEST,
                                                      accounts=accounts))
    assert state.narrative_sha256 == DIGEST
    assert record(state, viewer=MONITOR, narrative_sha256=DIGEST, accounts=accounts) == []


def test_erasing_clears_the_digests_and_erasing_nothing_changes_nothing():
    state = INCIDENT.fold("inc-1", incident(), record(incident(), viewer=OFFICER, narrative_sha256=DIGEST,
                                                      accounts=[]))
    [erased] = erase(state, viewer=OFFICER, reason="identifies_someone", at=NOW)
    assert isinstance(erased, IncidentNarrativeErased)
    after = INCIDENT.fold("inc-1", state, [erased])
    assert (after.narrative_sha256, after.source_accounts, after.narrative_erased_at) == (None, [], NOW)
    assert erase(after, viewer=OFFICER, reason="identifies_someone", at=NOW) == []
