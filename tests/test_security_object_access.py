"""Object-level rules, live: admitted roles still see only the objects the rules give them.

The access matrix proves who may call each route; these tests prove the rules inside the routes
(the `object` column of tests/security/access_matrix.json) on real records: monitors and officers see
their own organisation's victims and incidents, confidential incidents only the owning organisation's
documentation officers, a lawyer only the cases assigned to them, analysts only non-identifying rows.
Denials are 404 where existence itself is sensitive.
"""

from __future__ import annotations

from typing import Any

import pytest
from servicekit.testing import eventually_sync

pytestmark = pytest.mark.integration

COURT = "ml-tgi-bamako-c1"
HEARING_DAY = "2031-03-04"
WHOLE_DAY = {"start": f"{HEARING_DAY}T00:00:00+00:00", "end": f"{HEARING_DAY}T23:59:00+00:00"}


def created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, f"{response.request.url.path}: {response.status_code} {response.text[:300]}"
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def victim_id(security_system) -> str:
    with security_system.client("intake", "monitor", org="org-amdh", sub="monitor-objects") as monitor:
        return created(monitor.post("/victims", json={"sex": "male", "age_band": "40-59", "region": "gao",
                                                      "consent": {"legal_support": True,
                                                                  "sharing": ["org-legal"]}}))["id"]


def test_another_organisation_gets_404_for_a_victim_and_its_incident(security_system, victim_id):
    with security_system.client("intake", "monitor", org="org-amdh", sub="monitor-objects") as monitor:
        incident = created(monitor.post("/incidents", json={
            "occurred_on": "2023-11-20", "region": "gao", "violation_types": ["pillage"],
            "acts": [{"violation_type": "pillage", "victim_ids": [victim_id]}]}))["id"]
        assert monitor.get(f"/victims/{victim_id}").status_code == 200  # control: the owner sees both
        assert monitor.get(f"/incidents/{incident}").status_code == 200
    for role in ("monitor", "documentation_officer"):
        with security_system.client("intake", role, org="org-elsewhere", sub=f"{role}-elsewhere") as stranger:
            assert stranger.get(f"/victims/{victim_id}").status_code == 404
            assert stranger.get(f"/incidents/{incident}").status_code == 404
            assert stranger.get(f"/incidents/{incident}/history").status_code == 404
            listed = stranger.get("/incidents", params={"limit": 200}).json()["items"]
            assert incident not in [item["id"] for item in listed]


def test_a_confidential_incident_is_for_the_owning_organisations_officers_only(security_system):
    with security_system.client("intake", "documentation_officer", org="org-amdh", sub="officer-objects") as officer:
        incident = created(officer.post("/incidents", json={
            "occurred_on": "2023-12-01", "region": "kidal", "violation_types": ["rape"],
            "confidentiality": "confidential"}))["id"]
        assert officer.get(f"/incidents/{incident}").status_code == 200
    with security_system.client("intake", "monitor", org="org-amdh", sub="monitor-objects") as monitor:
        assert monitor.get(f"/incidents/{incident}").status_code == 404, "same organisation, but not an officer"
        assert monitor.patch(f"/incidents/{incident}", json={"region": "gao"}).status_code == 404
        assert incident not in [i["id"] for i in monitor.get("/incidents", params={"limit": 200}).json()["items"]]
    with security_system.client("intake", "documentation_officer", org="org-elsewhere", sub="officer-else") as other:
        assert other.get(f"/incidents/{incident}").status_code == 404
    with security_system.client("intake", "analyst", org="org-amdh", sub="analyst-objects") as analyst:
        rows = analyst.get("/incidents/export").json()
        assert incident not in [row["id"] for row in rows], "confidential incidents are never exported"


def test_the_analysts_export_names_no_victim_and_no_source(security_system, victim_id):
    with security_system.client("intake", "monitor", org="org-amdh", sub="monitor-objects") as monitor:
        incident = created(monitor.post("/incidents", json={
            "occurred_on": "2023-10-02", "region": "gao", "violation_types": ["pillage"],
            "acts": [{"violation_type": "pillage", "victim_ids": [victim_id]}]}))["id"]
    with security_system.client("intake", "analyst", org="org-amdh", sub="analyst-objects") as analyst:
        response = analyst.get("/incidents/export")
        assert response.status_code == 200
        row = next(row for row in response.json() if row["id"] == incident)
        assert row["victim_count"] == 1 and victim_id not in response.text
        assert not {"acts", "sources", "victim_ids", "coordinates"} & set(row)


def test_a_lawyer_sees_only_the_cases_assigned_to_them(security_system, victim_id):
    with security_system.client("intake", "monitor", org="org-amdh", sub="monitor-objects") as monitor:
        referral = created(monitor.post(f"/victims/{victim_id}/referrals", json={
            "needs": ["legal_advice"], "urgency": "medium", "receiving_organisation": "org-legal"}))["referral_id"]
    with security_system.client("casework", "case_manager", org="org-legal", sub="manager-objects") as manager:
        eventually_sync(lambda: manager.get(f"/referrals/{referral}").status_code == 200, "the referral in casework")
        case = created(manager.post(f"/referrals/{referral}/accept", json={"lawyers": ["lawyer-assigned"]}))["case_id"]
        hearing = created(manager.post(f"/cases/{case}/hearings", json={
            "court": COURT, "starts_at": f"{HEARING_DAY}T09:00:00+00:00", "purpose": "civil_party_hearing"}))["id"]
    with security_system.client("casework", "lawyer", org="org-legal", sub="lawyer-assigned") as assigned:
        assert assigned.get(f"/cases/{case}").status_code == 200  # control
        assert hearing in [h["id"] for h in assigned.get(f"/calendar/courts/{COURT}", params=WHOLE_DAY).json()]
        assert case in [c["id"] for c in assigned.get("/cases").json()["items"]]
    with security_system.client("casework", "lawyer", org="org-legal", sub="lawyer-not-assigned") as other:
        assert other.get(f"/cases/{case}").status_code == 404
        assert other.get(f"/cases/{case}/notes").status_code == 404
        assert other.get(f"/cases/{case}/hearings").status_code == 404
        assert other.get(f"/cases/{case}/victims/{victim_id}/name").status_code in (403, 404)
        assert case not in [c["id"] for c in other.get("/cases").json()["items"]]
        assert other.get(f"/hearings/{hearing}").status_code == 404
        # Calendars list only hearings of cases the caller may see.
        for path in (f"/calendar/courts/{COURT}", "/calendar/lawyers/lawyer-assigned"):
            listed = other.get(path, params=WHOLE_DAY)
            assert listed.status_code == 200 and hearing not in [h["id"] for h in listed.json()], path
    with security_system.client("casework", "case_manager", org="org-wildaf", sub="manager-else") as stranger:
        assert stranger.get(f"/cases/{case}").status_code == 404
        assert stranger.get(f"/referrals/{referral}").status_code == 404, "a decided referral stays with its org"


def test_a_pending_referral_is_seen_and_decided_only_by_the_organisation_it_is_addressed_to(security_system):
    with security_system.client("intake", "monitor", org="org-amdh", sub="monitor-objects") as monitor:
        victim = created(monitor.post("/victims", json={
            "sex": "female", "age_band": "25-39", "region": "gao",
            "consent": {"legal_support": True, "sharing": ["org-legal", "org-wildaf"]}}))["id"]
        referral = created(monitor.post(f"/victims/{victim}/referrals", json={
            "needs": ["legal_advice"], "urgency": "medium", "receiving_organisation": "org-wildaf"}))["referral_id"]
    with security_system.client("casework", "case_manager", org="org-wildaf", sub="manager-wildaf") as addressee:
        eventually_sync(lambda: addressee.get(f"/referrals/{referral}").status_code == 200, "the referral in casework")
    with security_system.client("casework", "case_manager", org="org-legal", sub="manager-objects") as other:
        assert other.get(f"/referrals/{referral}").status_code == 404
        assert referral not in [r["id"] for r in other.get("/referrals").json()["items"]]
        assert other.post(f"/referrals/{referral}/accept", json={"lawyers": ["lawyer-x"]}).status_code == 404
        assert other.post(f"/referrals/{referral}/transfer", json={"organisation": "org-legal"}).status_code == 404
    with security_system.client("casework", "lawyer", org="org-legal", sub="lawyer-objects") as elsewhere:
        assert elsewhere.get(f"/referrals/{referral}").status_code == 404
        assert referral not in [r["id"] for r in elsewhere.get("/referrals").json()["items"]]
        assert elsewhere.post(f"/referrals/{referral}/accept", json={}).status_code == 404
        assert elsewhere.post(f"/referrals/{referral}/decline", json={"reason": "no_capacity"}).status_code == 404
    with security_system.client("casework", "lawyer", org="org-wildaf", sub="lawyer-wildaf") as addressed_lawyer:
        assert addressed_lawyer.get(f"/referrals/{referral}").status_code == 200  # control: the addressee's lawyer


def test_an_idempotency_key_replayed_by_another_caller_never_returns_the_first_callers_record(security_system):
    body = {"sex": "unknown", "age_band": "unknown", "region": "tombouctou"}
    key = {"Idempotency-Key": "shared-key-0001"}
    with security_system.client("intake", "monitor", org="org-amdh", sub="monitor-objects") as first:
        original = created(first.post("/victims", json=body, headers=key))["id"]
        replay = first.post("/victims", json=body, headers=key)
        assert replay.status_code == 201 and replay.json()["id"] == original  # control: the same caller replays
    with security_system.client("intake", "monitor", org="org-elsewhere", sub="monitor-elsewhere") as other:
        response = other.post("/victims", json=body, headers=key)
        assert response.status_code in (201, 409, 422), response.text
        assert original not in response.text, "another caller's idempotency key must not reveal the first record"
