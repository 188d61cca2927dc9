"""Incident rules: dates with precision, places, vocabularies, updates, the verification workflow."""

from __future__ import annotations

from datetime import date

import pytest
from intake.domain.access import Viewer
from intake.domain.incident import INCIDENT, IncidentDocumented, IncidentUpdated
from intake.domain.incident_facts import Coordinates, location_digest
from intake.domain.incident_rules import IncidentDraft, LocationSeal, change_verification, document, reconcile, update
from servicekit.errors import Conflict, InvalidInput, NotFound

TODAY = date(2025, 6, 15)
MONITOR = Viewer.of("org-amdh", {"monitor"})
OFFICER = Viewer.of("org-amdh", {"documentation_officer"})


def draft(**fields) -> IncidentDraft:
    return IncidentDraft.model_validate({"occurred_on": "2024-03-02", "region": "mopti",
                                         "violation_types": ["massacre"], **fields})


def documented(**fields):
    [event] = document(None, organisation="org-amdh", draft=draft(**fields), today=TODAY, seal=None)
    return INCIDENT.fold("incident-1", None, [event])


def test_documenting_starts_unverified_with_sorted_unique_codes():
    [event] = document(None, organisation="org-amdh", today=TODAY, seal=None,
                       draft=draft(violation_types=["pillage", "massacre", "pillage"]))
    assert isinstance(event, IncidentDocumented)
    assert event.violation_types == ["massacre", "pillage"] and event.verification_status == "unverified"


def test_a_future_date_is_refused():
    with pytest.raises(InvalidInput) as refused:
        document(None, organisation="org-amdh", draft=draft(occurred_on="2025-06-16"), today=TODAY, seal=None)
    assert refused.value.field == "occurred_on"


def test_month_precision_keeps_the_first_of_the_month_and_covers_the_whole_month():
    incident = documented(occurred_on="2024-02-17", date_precision="month")
    assert (incident.occurred_on, incident.occurred_end) == (date(2024, 2, 1), date(2024, 2, 29))


def test_year_precision_covers_the_whole_year():
    incident = documented(occurred_on="2013-07-04", date_precision="year")
    assert (incident.occurred_on, incident.occurred_end) == (date(2013, 1, 1), date(2013, 12, 31))


def test_a_range_needs_an_end_after_its_start():
    with pytest.raises(InvalidInput) as missing:
        documented(date_precision="range")
    with pytest.raises(InvalidInput) as backwards:
        documented(date_precision="range", occurred_until="2024-01-01")
    assert missing.value.field == backwards.value.field == "occurred_until"


def test_only_a_range_has_an_end_date():
    with pytest.raises(InvalidInput) as refused:
        documented(occurred_until="2024-03-05")
    assert refused.value.field == "occurred_until"


def test_an_unknown_term_names_the_field_and_the_allowed_codes():
    with pytest.raises(InvalidInput) as refused:
        documented(acts=[{"violation_type": "torture",
                          "perpetrators": [{"category": "national_armed_forces", "involvement": "watched"}]}])
    problem = refused.value.problem()
    assert problem["errors"][0]["field"] == "acts.0.perpetrators.0.involvement"
    assert "carried_out" in problem["allowed"] and problem["vocabulary"] == "involvement_degrees"


def test_a_commune_must_lie_in_its_cercle():
    with pytest.raises(InvalidInput) as refused:
        documented(cercle="mopti/djenne", commune="mopti/mopti/mopti")
    assert refused.value.field == "commune"


def test_a_point_outside_mali_is_refused():
    with pytest.raises(InvalidInput) as refused:
        documented(coordinates={"lat": 14.5, "lon": 12.0})
    assert refused.value.field == "coordinates.lon"


def test_events_carry_the_coarse_point_and_the_digest_never_the_exact_point():
    exact = Coordinates(lat=14.49321, lon=-4.19876)
    seal = LocationSeal(exact.coarsened(), location_digest("incident-1", exact, "salt"))
    [event] = document(None, organisation="org-amdh", draft=draft(coordinates=exact.model_dump()), today=TODAY,
                       seal=seal)
    assert event.coordinates == Coordinates(lat=14.5, lon=-4.2)
    assert "14.49321" not in event.model_dump_json() and event.exact_location_sha256 == seal.digest


def test_sources_are_rated_on_both_scales():
    with pytest.raises(InvalidInput) as refused:
        documented(sources=[{"kind": "media_report", "reliability": "B", "credibility": "9"}])
    assert refused.value.field == "sources.0.credibility"


def test_perpetrator_categories_gather_those_of_the_acts():
    incident = documented(perpetrator_categories=["criminal_groups"], acts=[{
        "violation_type": "abduction", "perpetrators": [{"category": "jihadist_armed_groups",
                                                         "involvement": "carried_out"}]}])
    assert incident.perpetrator_categories == ["criminal_groups", "jihadist_armed_groups"]
    assert incident.violation_types == ["abduction", "massacre"]


def test_documenting_twice_is_a_conflict():
    with pytest.raises(Conflict):
        document(documented(), organisation="org-amdh", draft=draft(), today=TODAY, seal=None)


def test_an_update_lists_exactly_the_changed_fields():
    [event] = update(documented(), viewer=MONITOR, changes={"region": "gao", "cercle": None}, today=TODAY,
                     seal=None, location_given=False)
    assert isinstance(event, IncidentUpdated) and event.changed_fields == ["region"]


def test_an_update_that_changes_nothing_yields_no_event():
    assert update(documented(), viewer=MONITOR, changes={"region": "mopti"}, today=TODAY, seal=None,
                  location_given=False) == []


def test_an_update_is_checked_as_a_whole():
    with pytest.raises(InvalidInput) as refused:
        update(documented(), viewer=MONITOR, changes={"cercle": "gao/gao"}, today=TODAY, seal=None,
               location_given=False)
    assert refused.value.field == "cercle"


def test_another_organisation_cannot_update():
    with pytest.raises(NotFound):
        update(documented(), viewer=Viewer.of("org-fidh", {"monitor"}), changes={"region": "gao"}, today=TODAY,
               seal=None, location_given=False)


def test_a_confidential_incident_is_not_found_for_a_monitor():
    with pytest.raises(NotFound):
        update(documented(confidentiality="confidential"), viewer=MONITOR, changes={"region": "gao"},
               today=TODAY, seal=None, location_given=False)


@pytest.mark.parametrize(("path", "allowed"), [
    (["pending", "verified"], True), (["pending", "falsely_attributed"], True), (["pending", "rejected"], True),
    (["verified"], False), (["pending", "verified", "pending", "rejected"], True), (["pending", "pending"], False),
])
def test_verification_follows_the_workflow(path, allowed):
    incident = documented()
    try:
        for status in path:
            events = change_verification(incident, viewer=OFFICER, status=status, reason="sources checked")
            incident = INCIDENT.fold(incident.id, incident, events)
    except Conflict:
        assert not allowed
    else:
        assert allowed and incident.verification_status == path[-1]


def test_verification_needs_a_reason():
    with pytest.raises(InvalidInput) as refused:
        change_verification(documented(), viewer=OFFICER, status="pending", reason="  ")
    assert refused.value.field == "reason"


def test_reimporting_an_identical_row_yields_nothing_and_a_changed_one_an_update():
    incident = documented(external_reference="AMDH-1")
    same = reconcile(incident, viewer=MONITOR, draft=draft(external_reference="AMDH-1"), today=TODAY, seal=None)
    changed = reconcile(incident, viewer=MONITOR, draft=draft(external_reference="AMDH-1", region="gao"),
                        today=TODAY, seal=None)
    assert same == [] and [e.changed_fields for e in changed] == [["region"]]
