"""Incident endpoints against the real store: document, read, correct, verify, history, integrity."""

from __future__ import annotations

import pytest
from intake_support import OTHER_ORG, incident_body

pytestmark = pytest.mark.integration


async def test_monitor_documents_an_incident_and_reads_it_back(intake):
    async with intake.client("monitor") as monitor:
        created = await monitor.post("/incidents", json=incident_body(
            cercle="mopti/djenne", date_precision="month", occurred_on="2023-07-19",
            acts=[{"violation_type": "summary_execution",
                   "perpetrators": [{"category": "jihadist_armed_groups", "involvement": "carried_out",
                                     "unit": "Katiba Macina"}]}],
            sources=[{"kind": "witness_testimony", "reliability": "B", "credibility": "2"}]))
        assert created.status_code == 201, created.text
        read = await monitor.get(f"/incidents/{created.json()['id']}")
    assert read.status_code == 200
    body = read.json()
    assert body["occurred_on"] == "2023-07-01" and body["date_precision"] == "month"
    assert body["violation_types"] == ["massacre", "summary_execution"]
    assert body["perpetrator_categories"] == ["jihadist_armed_groups"]
    assert body["verification_status"] == "unverified" and body["version"] == 1


async def test_exact_point_is_kept_but_only_the_coarse_one_is_in_the_event(intake):
    async with intake.client("monitor") as monitor:
        created = await monitor.post("/incidents", json=incident_body(coordinates={"lat": 14.49321, "lon": -4.19876}))
        incident_id = created.json()["id"]
        read = (await monitor.get(f"/incidents/{incident_id}")).json()
    assert read["exact_coordinates"] == {"lat": 14.49321, "lon": -4.19876}
    assert read["coordinates"] == {"lat": 14.5, "lon": -4.2}
    commit = await intake.db["events"].find_one({"_id": f"{incident_id}:0000000001"})
    assert "14.49321" not in str(commit) and commit["events"][0]["data"]["coordinates"] == {"lat": 14.5, "lon": -4.2}


async def test_another_organisation_gets_404_for_an_incident(intake):
    async with intake.client("monitor") as monitor:
        incident_id = (await monitor.post("/incidents", json=incident_body())).json()["id"]
    async with intake.client("monitor", org=OTHER_ORG) as outsider:
        assert (await outsider.get(f"/incidents/{incident_id}")).status_code == 404


async def test_confidential_incident_is_hidden_from_monitors_but_not_from_officers(intake):
    async with intake.client("documentation_officer") as officer:
        created = await officer.post("/incidents", json=incident_body(confidentiality="confidential"))
        incident_id = created.json()["id"]
        assert (await officer.get(f"/incidents/{incident_id}")).status_code == 200
    async with intake.client("monitor") as monitor:
        assert (await monitor.get(f"/incidents/{incident_id}")).status_code == 404


async def test_analyst_cannot_read_incident_details(intake):
    async with intake.client("analyst") as analyst:
        assert (await analyst.get("/incidents")).status_code == 403


async def test_update_changes_only_the_fields_sent_and_lists_them(intake):
    async with intake.client("monitor") as monitor:
        incident_id = (await monitor.post("/incidents", json=incident_body())).json()["id"]
        updated = await monitor.patch(f"/incidents/{incident_id}", json={"cercle": "mopti/djenne",
                                                                        "violation_types": ["pillage"]})
    assert updated.status_code == 200, updated.text
    assert updated.json()["cercle"] == "mopti/djenne" and updated.json()["region"] == "mopti"
    commit = await intake.db["events"].find_one({"_id": f"{incident_id}:0000000002"})
    event = commit["events"][0]
    assert event["type"] == "intake.incident.updated.v1"
    assert event["data"]["changed_fields"] == ["cercle", "violation_types"]


async def test_update_that_changes_nothing_writes_no_event(intake):
    async with intake.client("monitor") as monitor:
        incident_id = (await monitor.post("/incidents", json=incident_body())).json()["id"]
        again = await monitor.patch(f"/incidents/{incident_id}", json={"region": "mopti"})
    assert again.status_code == 200 and again.json()["version"] == 1


async def test_verification_moves_along_the_workflow_with_who_and_why(intake):
    async with intake.client("monitor") as monitor:
        incident_id = (await monitor.post("/incidents", json=incident_body())).json()["id"]
    async with intake.client("documentation_officer", sub="officer-7") as officer:
        pending = await officer.post(f"/incidents/{incident_id}/verification",
                                     json={"status": "pending", "reason": "two witnesses to interview"})
        verified = await officer.post(f"/incidents/{incident_id}/verification",
                                      json={"status": "verified", "reason": "corroborated by three sources"})
        history = (await officer.get(f"/incidents/{incident_id}/history")).json()
    assert pending.status_code == 200 and verified.json()["verification_status"] == "verified"
    assert [c["actor"] for c in history] == ["monitor-1", "officer-7", "officer-7"]
    assert history[2]["events"][0]["data"] == {"previous_status": "pending", "status": "verified",
                                               "reason": "corroborated by three sources"}


async def test_verification_refuses_a_skipped_step_with_409_and_the_allowed_moves(intake):
    async with intake.client("documentation_officer") as officer:
        incident_id = (await officer.post("/incidents", json=incident_body())).json()["id"]
        skipped = await officer.post(f"/incidents/{incident_id}/verification",
                                     json={"status": "verified", "reason": "looks right"})
    assert skipped.status_code == 409
    assert skipped.json()["allowed"] == ["pending"]


async def test_monitors_cannot_verify(intake):
    async with intake.client("monitor") as monitor:
        incident_id = (await monitor.post("/incidents", json=incident_body())).json()["id"]
        refused = await monitor.post(f"/incidents/{incident_id}/verification",
                                     json={"status": "pending", "reason": "please check"})
    assert refused.status_code == 403


async def test_integrity_report_of_an_incident_is_ok_and_detects_an_edit(intake):
    async with intake.client("monitor") as monitor:
        incident_id = (await monitor.post("/incidents", json=incident_body())).json()["id"]
        await monitor.patch(f"/incidents/{incident_id}", json={"region": "gao"})
        intact = (await monitor.get(f"/incidents/{incident_id}/integrity")).json()
        await intake.db["events"].update_one({"_id": f"{incident_id}:0000000001"},
                                             {"$set": {"events.0.data.region": "kidal"}})
        tampered = (await monitor.get(f"/incidents/{incident_id}/integrity")).json()
    assert intact["ok"] is True and intact["commits_checked"] == 2
    assert tampered["ok"] is False and tampered["problems"][0]["version"] == 1
    await intake.db["events"].update_one({"_id": f"{incident_id}:0000000001"},
                                         {"$set": {"events.0.data.region": "mopti"}})


async def test_service_integrity_report_is_for_officers_and_admins(intake):
    async with intake.client("documentation_officer") as officer:
        report = await officer.get("/integrity")
    async with intake.client("monitor") as monitor:
        refused = await monitor.get("/integrity")
    assert report.status_code == 200 and report.json()["aggregates_checked"] >= 1
    assert refused.status_code == 403
