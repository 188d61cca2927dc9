"""Evidence on the real store: streamed upload with hash, type and size checks; custody; corruption refused."""

from __future__ import annotations

import hashlib
import os

import pytest
from intake_support import OTHER_ORG, PNG, incident_body

pytestmark = pytest.mark.integration
PDF = b"%PDF-1.7\n" + os.urandom(20_000)  # several 4 KiB chunks


async def upload(client, content: bytes = PDF, media_type: str = "application/pdf", **fields):
    return await client.post("/evidence", files={"file": ("statement.pdf", content, media_type)}, data=fields)


async def test_upload_records_the_sha256_computed_while_streaming(intake):
    async with intake.client("monitor") as monitor:
        incident_id = (await monitor.post("/incidents", json=incident_body())).json()["id"]
        created = await upload(monitor, incident_id=incident_id)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest() and body["size_bytes"] == len(PDF)
    assert body["media_type"] == "application/pdf" and body["incident_id"] == incident_id
    assert body["holder"] == "org-amdh"


async def test_download_returns_the_exact_bytes_and_records_the_access(intake):
    async with intake.client("monitor", sub="monitor-reader") as monitor:
        evidence_id = (await upload(monitor)).json()["id"]
        downloaded = await monitor.get(f"/evidence/{evidence_id}/content")
        report = (await monitor.get(f"/evidence/{evidence_id}/custody")).json()
    assert downloaded.status_code == 200 and downloaded.content == PDF
    assert downloaded.headers["content-type"] == "application/pdf"
    assert [(s["step"], s["actor"]) for s in report["steps"]] == [("received", "monitor-reader"),
                                                                  ("accessed", "monitor-reader")]
    assert report["chain_intact"] is True


async def test_custody_report_shows_each_step_with_actor_and_hashes(intake):
    async with intake.client("monitor") as monitor:
        evidence_id = (await upload(monitor, PNG, "image/png")).json()["id"]
    async with intake.client("documentation_officer", sub="officer-custody") as officer:
        assert (await officer.post(f"/evidence/{evidence_id}/custody",
                                   json={"step": "copied", "to": "org-fidh"})).status_code == 200
        transferred = await officer.post(f"/evidence/{evidence_id}/custody",
                                         json={"step": "transferred", "to": "icc-otp"})
        await officer.post(f"/evidence/{evidence_id}/custody",
                           json={"step": "submitted_to_court", "to": "icc", "case_reference": "ICC-01/12-01/18"})
        report = (await officer.get(f"/evidence/{evidence_id}/custody")).json()
    assert transferred.json()["holder"] == "icc-otp"
    steps = report["steps"]
    assert [s["step"] for s in steps] == ["received", "copied", "transferred", "submitted_to_court"]
    assert {s["file_sha256"] for s in steps} == {hashlib.sha256(PNG).hexdigest()}
    assert steps[2]["details"] == {"from_holder": "org-amdh", "to_holder": "icc-otp"}
    assert steps[3]["actor"] == "officer-custody" and steps[3]["prev_hash"] == steps[2]["commit_hash"]
    assert report["evidence"]["submitted_to"] == ["icc"]


async def test_a_transfer_to_the_current_holder_is_a_conflict(intake):
    async with intake.client("documentation_officer") as officer:
        evidence_id = (await upload(officer)).json()["id"]
        refused = await officer.post(f"/evidence/{evidence_id}/custody", json={"step": "transferred", "to": "org-amdh"})
    assert refused.status_code == 409


async def test_monitors_do_not_record_custody_steps(intake):
    async with intake.client("monitor") as monitor:
        evidence_id = (await upload(monitor)).json()["id"]
        refused = await monitor.post(f"/evidence/{evidence_id}/custody", json={"step": "copied", "to": "org-fidh"})
    assert refused.status_code == 403


async def test_another_organisation_gets_404_for_evidence(intake):
    async with intake.client("monitor") as monitor:
        evidence_id = (await upload(monitor)).json()["id"]
    async with intake.client("documentation_officer", org=OTHER_ORG) as outsider:
        assert (await outsider.get(f"/evidence/{evidence_id}")).status_code == 404
        assert (await outsider.get(f"/evidence/{evidence_id}/content")).status_code == 404


async def test_a_corrupted_file_is_refused_loudly_and_the_failure_is_in_its_custody_chain(intake):
    async with intake.client("monitor") as monitor:
        evidence_id = (await upload(monitor)).json()["id"]
        await intake.db["evidence_chunks"].update_one({"_id": f"{evidence_id}:000002"},
                                                      {"$set": {"data": b"tampered"}})
        refused = await monitor.get(f"/evidence/{evidence_id}/content")
        report = (await monitor.get(f"/evidence/{evidence_id}/custody")).json()
    assert refused.status_code == 500
    assert refused.json()["code"] == "evidence_corrupted"
    assert refused.json()["expected_sha256"] == hashlib.sha256(PDF).hexdigest()
    failure = report["steps"][-1]
    assert failure["step"] == "integrity_failed" and failure["details"]["during"] == "accessed"
    assert report["evidence"]["integrity_failures"] == 1


async def test_a_truncated_file_is_refused_too(intake):
    async with intake.client("documentation_officer") as officer:
        evidence_id = (await upload(officer)).json()["id"]
        await intake.db["evidence_chunks"].delete_one({"_id": f"{evidence_id}:000004"})
        refused = await officer.post(f"/evidence/{evidence_id}/custody", json={"step": "transferred", "to": "icc-otp"})
    assert refused.status_code == 500
    state = await intake.db["evidence"].find_one({"_id": evidence_id})
    assert state["holder"] == "org-amdh" and state["integrity_failures"] == 1
