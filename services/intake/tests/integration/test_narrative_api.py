"""An incident's narrative and sources' accounts: ciphertext at rest, digests in events, cleared readers only,
every read audited, erasure by the incident's key or the victim's."""

from __future__ import annotations

import pytest
from intake_support import incident_body, victim_body

pytestmark = pytest.mark.integration

NARRATIVE = "Le 2 mars, des hommes armés ont encerclé le hameau de Ségué ; Awa Diallo a vu son frère emmené."
ACCOUNT = "Mariam K. : « ils sont arrivés à l'aube, en moto, et ont brûlé les greniers »"
SOURCES = [{"kind": "witness_testimony", "reliability": "B"}, {"kind": "victim_testimony", "reliability": "A"}]


async def documented(intake, *, confidentiality: str = "restricted", **texts) -> str:
    body = incident_body(sources=SOURCES, confidentiality=confidentiality, **texts)
    async with intake.client("documentation_officer") as officer:
        response = await officer.post("/incidents", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def read(intake, incident_id: str, role: str = "monitor", **claims):
    async with intake.client(role, **claims) as reader:
        return await reader.get(f"/incidents/{incident_id}/narrative")


async def test_a_narrative_given_when_documenting_is_stored_as_ciphertext_and_events_carry_only_digests(intake):
    incident_id = await documented(intake, narrative=NARRATIVE,
                                   source_accounts=[{"source": 0, "text": ACCOUNT}])
    commit = await intake.db["events"].find_one({"_id": f"{incident_id}:0000000001"})
    assert [e["type"] for e in commit["events"]] == ["intake.incident.documented.v1",
                                                      "intake.incident.narrative_recorded.v1"]
    recorded = commit["events"][1]["data"]
    stored = await intake.db["incident_texts"].find_one({"_id": f"{incident_id}:{recorded['narrative_sha256']}"})
    assert stored["ciphertext"].startswith("v1.")
    everything = str([commit, stored, await intake.db["incidents"].find_one({"_id": incident_id})])
    assert "Ségué" not in everything and "greniers" not in everything
    assert recorded["accounts"][0]["source"] == 0 and len(recorded["accounts"][0]["sha256"]) == 64


async def test_a_cleared_reader_reads_the_texts_and_every_read_is_audited(intake):
    incident_id = await documented(intake, narrative=NARRATIVE, source_accounts=[{"source": 1, "text": ACCOUNT}])
    response = await read(intake, incident_id, sub="monitor-reads")
    assert response.status_code == 200
    body = response.json()
    assert (body["narrative"], body["narrative_status"]) == (NARRATIVE, "readable")
    assert [(a["source"], a["text"], a["status"]) for a in body["source_accounts"]] == [(1, ACCOUNT, "readable")]
    assert response.headers["cache-control"] == "no-store"
    entries = await intake.deps.core.audit.query(resource_id=incident_id)
    reads = [(e.actor, e.outcome, e.owner_organisation) for e in entries if e.action == "incident.narrative_read"]
    assert reads == [("monitor-reads", "allowed", "org-amdh")]


async def test_only_documentation_officers_read_a_confidential_incidents_narrative_and_refusals_are_audited(intake):
    incident_id = await documented(intake, confidentiality="confidential", narrative=NARRATIVE)
    assert (await read(intake, incident_id, "monitor", sub="monitor-refused")).status_code == 404
    assert (await read(intake, incident_id, "documentation_officer")).json()["narrative"] == NARRATIVE
    entries = await intake.deps.core.audit.query(resource_id=incident_id, actor="monitor-refused")
    assert [(e.action, e.outcome) for e in entries] == [("incident.narrative_read", "denied")]


async def test_another_organisation_never_reads_the_narrative(intake):
    incident_id = await documented(intake, narrative=NARRATIVE)
    assert (await read(intake, incident_id, "documentation_officer", org="org-fidh")).status_code == 404


async def test_replacing_the_texts_records_a_new_version_and_the_same_texts_again_change_nothing(intake):
    incident_id = await documented(intake, narrative=NARRATIVE)
    body = {"narrative": NARRATIVE + " Correction : le 3 mars.", "source_accounts": [{"source": 0, "text": ACCOUNT}]}
    async with intake.client("monitor") as monitor:
        replaced = await monitor.put(f"/incidents/{incident_id}/narrative", json=body)
        again = await monitor.put(f"/incidents/{incident_id}/narrative", json=body)
        version = (await monitor.get(f"/incidents/{incident_id}")).json()["version"]
    assert replaced.status_code == 200 and replaced.json()["narrative"].endswith("le 3 mars.")
    assert again.status_code == 200 and version == 2
    assert await intake.db["incident_texts"].count_documents({"incident_id": incident_id}) == 3


async def test_an_account_must_name_an_existing_source_once(intake):
    incident_id = await documented(intake)
    async with intake.client("monitor") as monitor:
        missing = await monitor.put(f"/incidents/{incident_id}/narrative",
                                    json={"source_accounts": [{"source": 5, "text": ACCOUNT}]})
        twice = await monitor.put(f"/incidents/{incident_id}/narrative", json={"source_accounts": [
            {"source": 0, "text": ACCOUNT}, {"source": 0, "text": ACCOUNT}]})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "source_accounts.0.source"
    assert twice.status_code == 422 and twice.json()["errors"][0]["field"] == "source_accounts.1.source"
    assert (missing.json()["code"], twice.json()["code"]) == ("source_not_found", "source_account_duplicate")


async def test_erasing_the_narrative_shreds_the_incidents_key_and_ciphertexts_and_keeps_the_facts(intake):
    incident_id = await documented(intake, narrative=NARRATIVE, source_accounts=[{"source": 0, "text": ACCOUNT}])
    async with intake.client("monitor") as monitor:
        refused = await monitor.post(f"/incidents/{incident_id}/narrative/erasure", json={"reason": "legal_request"})
    assert refused.status_code == 403
    async with intake.client("documentation_officer") as officer:
        erased = await officer.post(f"/incidents/{incident_id}/narrative/erasure",
                                    json={"reason": "identifies_someone"})
        facts = (await officer.get(f"/incidents/{incident_id}")).json()
    assert erased.status_code == 200
    assert (erased.json()["narrative_status"], erased.json()["source_accounts"]) == ("none", [])
    assert erased.json()["erased_at"] is not None
    assert await intake.db["incident_keys"].find_one({"_id": incident_id}) is None
    assert await intake.db["incident_texts"].count_documents({"incident_id": incident_id}) == 0
    assert facts["violation_types"] == ["massacre"] and facts["has_narrative"] is False
    entries = await intake.deps.core.audit.query(resource_id=incident_id)
    assert ("incident.narrative_erased", "identifies_someone") in {(e.action, e.reason) for e in entries}


async def test_a_victims_erasure_erases_the_account_she_gave_and_nothing_else(intake):
    async with intake.client("documentation_officer") as officer:
        victim_id = (await officer.post("/victims", json=victim_body())).json()["id"]
    incident_id = await documented(intake, narrative=NARRATIVE, source_accounts=[
        {"source": 0, "text": "un témoin"}, {"source": 1, "text": ACCOUNT, "given_by_victim": victim_id}])
    async with intake.client("documentation_officer") as officer:
        await officer.post(f"/victims/{victim_id}/erasure", json={"reason": "consent_withdrawn"})
    body = (await read(intake, incident_id)).json()
    assert body["narrative"] == NARRATIVE
    assert [(a["source"], a["status"], a["text"]) for a in body["source_accounts"]] == [
        (0, "readable", "un témoin"), (1, "erased", None)]


async def test_an_account_attributed_to_a_victim_the_caller_cannot_see_is_refused(intake):
    incident_id = await documented(intake)
    async with intake.client("monitor") as monitor:
        refused = await monitor.put(f"/incidents/{incident_id}/narrative", json={
            "source_accounts": [{"source": 0, "text": ACCOUNT, "given_by_victim": "no-such-victim"}]})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "source_accounts.0.given_by_victim"
    assert refused.json()["code"] == "victim_not_found"
