"""What reaches Kafka: every event matches its committed JSON Schema; a redelivered command publishes once."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import jsonschema
import pytest
from intake_support import PNG, incident_body, victim_body
from servicekit.envelope import Envelope

pytestmark = pytest.mark.integration
CONTRACTS = Path(__file__).resolve().parents[2] / "contracts" / "events"


def envelopes(records) -> list[Envelope]:
    return [Envelope.from_record(r.key, r.value, r.headers) for r in records]


async def test_every_published_event_matches_its_committed_schema(intake):
    async with intake.client("documentation_officer") as officer:
        victim_id = (await officer.post("/victims", json=victim_body())).json()["id"]
        incident_id = (await officer.post("/incidents", json=incident_body(
            acts=[{"violation_type": "torture", "victim_ids": [victim_id]}]))).json()["id"]
        await officer.patch(f"/incidents/{incident_id}", json={"cercle": "mopti/djenne"})
        await officer.post(f"/incidents/{incident_id}/verification", json={"status": "pending", "reason": "check"})
        await officer.put(f"/victims/{victim_id}/consent", json={"legal_support": True, "statistics": True,
                                                                 "sharing": ["org-wildaf"]})
        await officer.post(f"/victims/{victim_id}/referrals", json={"needs": ["legal_advice"], "urgency": "medium",
                                                                    "receiving_organisation": "org-wildaf"})
        evidence_id = (await officer.post("/evidence", files={"file": ("p.png", PNG, "image/png")})).json()["id"]
        await officer.post(f"/evidence/{evidence_id}/custody", json={"step": "transferred", "to": "icc-otp"})
        await officer.post(f"/victims/{victim_id}/erasure", json={"reason": "consent_withdrawn"})
    await intake.published()
    topics = ("intake.incidents", "intake.victims", "intake.evidence")
    seen: dict[str, set[str]] = {}
    for records in await asyncio.gather(*(intake.records(topic) for topic in topics)):
        for env in envelopes(records):
            schema = json.loads((CONTRACTS / f"{env.type}.json").read_text())
            jsonschema.validate(env.data, schema)
            assert env.classification == schema["x-redress"]["classification"]
            seen.setdefault(env.type, set()).add(env.subject)
    mine = {incident_id, victim_id, evidence_id}
    assert {event_type for event_type, subjects in seen.items() if subjects & mine} == {
        "intake.incident.documented.v1", "intake.incident.updated.v1", "intake.incident.verification_changed.v1",
        "intake.victim.registered.v1", "intake.victim.consent_changed.v1", "intake.victim.referred.v1",
        "intake.victim.erased.v1", "intake.evidence.recorded.v1", "intake.evidence.custody_transferred.v1"}


async def test_a_redelivered_create_command_is_committed_and_published_once(intake):
    headers = {"Idempotency-Key": "retry-incident-0001"}
    async with intake.client("monitor", org="org-retry") as monitor:
        first = await monitor.post("/incidents", json=incident_body(region="gao"), headers=headers)
        second = await monitor.post("/incidents", json=incident_body(region="gao"), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and second.headers["Idempotent-Replayed"] == "true"
    incident_id = first.json()["id"]
    assert await intake.db["events"].find_one({"_id": f"{incident_id}:0000000002"}) is None
    await intake.published()
    published = [e for e in envelopes(await intake.records("intake.incidents")) if e.subject == incident_id]
    assert [e.type for e in published] == ["intake.incident.documented.v1"]


async def test_a_reused_idempotency_key_with_another_body_is_a_409(intake):
    headers = {"Idempotency-Key": "retry-incident-0002"}
    async with intake.client("monitor", org="org-retry") as monitor:
        await monitor.post("/incidents", json=incident_body(region="gao"), headers=headers)
        before = await intake.counts()
        reused = await monitor.post("/incidents", json=incident_body(region="kidal"), headers=headers)
    assert reused.status_code == 409 and reused.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await intake.counts() == before


async def test_a_redelivered_victim_registration_keeps_one_victim_one_key_one_event(intake):
    headers = {"Idempotency-Key": "retry-victim-0001"}
    async with intake.client("monitor", org="org-retry") as monitor:
        first = await monitor.post("/victims", json=victim_body(), headers=headers)
        second = await monitor.post("/victims", json=victim_body(), headers=headers)
        read = await monitor.get(f"/victims/{first.json()['id']}")
    assert first.json() == second.json() and read.json()["identity"]["name"] == "Aïssata N'Diaye"
    victim_id = first.json()["id"]
    assert await intake.db["events"].find_one({"_id": f"{victim_id}:0000000002"}) is None
    await intake.published()
    published = [e.type for e in envelopes(await intake.records("intake.victims")) if e.subject == victim_id]
    assert published == ["intake.victim.registered.v1", "intake.victim.consent_changed.v1"]


async def test_a_redelivered_referral_refers_once(intake):
    async with intake.client("monitor", org="org-retry") as monitor:
        victim_id = (await monitor.post("/victims", json=victim_body())).json()["id"]
        headers = {"Idempotency-Key": "retry-referral-0001"}
        body = {"needs": ["legal_advice"], "urgency": "low", "receiving_organisation": "org-legal"}
        first = await monitor.post(f"/victims/{victim_id}/referrals", json=body, headers=headers)
        second = await monitor.post(f"/victims/{victim_id}/referrals", json=body, headers=headers)
    assert first.status_code == second.status_code == 201 and first.json() == second.json()
    state = await intake.db["victims"].find_one({"_id": victim_id})
    assert len(state["referrals"]) == 1


async def test_a_redelivered_upload_stores_the_file_once(intake):
    headers = {"Idempotency-Key": "retry-evidence-0001"}
    async with intake.client("monitor", org="org-retry") as monitor:
        first = await monitor.post("/evidence", files={"file": ("p.png", PNG, "image/png")}, headers=headers)
        second = await monitor.post("/evidence", files={"file": ("p.png", PNG, "image/png")}, headers=headers)
        other = await monitor.post("/evidence", files={"file": ("p.png", PNG + b"x", "image/png")}, headers=headers)
    assert first.json() == second.json() and second.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 409
    assert await intake.db["events"].find_one({"_id": f"{first.json()['id']}:0000000002"}) is None
