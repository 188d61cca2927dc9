"""End to end through real processes: a victim referred in intake becomes exactly one case in casework.

Every intake event about the victim is delivered twice (re-published with the same CloudEvent id, as a
redelivery after a crash would), and the lawyer reads the name through intake's real key release.
"""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from servicekit.kafka import idempotent_producer
from servicekit.testing import eventually_sync, header, read_topic

pytestmark = pytest.mark.integration

NAME = "Kadiatou Coulibaly"


async def _redeliver(bootstrap: str, topic: str, key: str, wanted_type: str) -> list[str]:
    """Re-publish every record keyed `key` once the one of `wanted_type` is there; returns their types."""
    deadline = time.monotonic() + 45
    while True:
        records = [r for r in await read_topic(bootstrap, topic, timeout=10, idle=1.0) if r.key == key.encode()]
        if any(header(r, "ce_type") == wanted_type for r in records) or time.monotonic() > deadline:
            break
    producer = idempotent_producer(bootstrap, client_id="casework-e2e-redelivery")
    await producer.start()
    try:
        for record in records:
            await producer.send_and_wait(topic, record.value, key=record.key, headers=list(record.headers))
    finally:
        await producer.stop()
    return [header(r, "ce_type") or "" for r in records]


def redeliver(system, infra, victim_id: str, wanted_type: str) -> list[str]:
    return asyncio.run(_redeliver(infra.kafka_bootstrap, system.namespace + "intake.victims", victim_id, wanted_type))


async def _lag(bootstrap: str, group: str, topic: str) -> int:
    """Records of `topic` the group has not committed yet."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="casework-e2e-admin")
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    ends: dict[int, int] = {}
    for record in await read_topic(bootstrap, topic, timeout=10, idle=0.5):
        ends[record.partition] = max(ends.get(record.partition, 0), record.offset + 1)
    done = {tp.partition: meta.offset for tp, meta in committed.items() if tp.topic == topic}
    return sum(end - done.get(partition, 0) for partition, end in ends.items())


def consumed_everything(system, infra) -> bool:
    """casework.intake has committed every record of intake.victims (duplicates included)."""
    return asyncio.run(_lag(infra.kafka_bootstrap, system.namespace + "casework.intake",
                            system.namespace + "intake.victims")) == 0


def casework_event_types(system, infra, subject: str) -> list[str]:
    records = asyncio.run(read_topic(infra.kafka_bootstrap, system.namespace + "casework.cases", timeout=15,
                                     idle=1.5))
    return sorted(header(r, "ce_type") or "" for r in records if header(r, "ce_subject") == subject)


@pytest.fixture
def referred_victim(system, infra) -> tuple[str, str]:
    """A victim registered with legal-support consent and referred, in intake; (victim id, referral id)."""
    monitor = system.client("intake", "monitor", org="org-doc")
    victim = monitor.post("/victims", json={"sex": "female", "age_band": "25-39", "region": "mopti",
                                            "identity": {"name": NAME},
                                            "consent": {"legal_support": True, "sharing": ["org-legal"]}})
    assert victim.status_code == 201, victim.text
    victim_id = victim.json()["id"]
    referral = monitor.post(f"/victims/{victim_id}/referrals", json={
        "needs": ["legal_representation"], "urgency": "high", "receiving_organisation": "org-legal"})
    assert referral.status_code == 201, referral.text
    redeliver(system, infra, victim_id, "intake.victim.referred.v1")
    return victim_id, referral.json()["referral_id"]


def test_a_referral_documented_in_intake_becomes_exactly_one_case(system, infra, referred_victim):
    victim_id, referral_id = referred_victim
    manager = system.client("casework", "case_manager", org="org-legal")
    entry = eventually_sync(lambda: (r := manager.get(f"/referrals/{referral_id}")).status_code == 200 and r.json())
    assert (entry["victim_id"], entry["urgency"], entry["needs"]) == (victim_id, "high", ["legal_representation"])
    accepted = manager.post(f"/referrals/{referral_id}/accept", json={"lawyers": ["lawyer-e2e"]})
    assert accepted.status_code == 201, accepted.text
    case_id = accepted.json()["case_id"]
    eventually_sync(lambda: consumed_everything(system, infra))
    cases = [c for c in manager.get("/cases", params={"limit": 200}).json()["items"] if victim_id in c["victim_ids"]]
    assert [c["id"] for c in cases] == [case_id]
    assert eventually_sync(lambda: casework_event_types(system, infra, case_id)) == ["casework.case.opened.v1"]
    assert casework_event_types(system, infra, referral_id) == ["casework.referral.accepted.v1",
                                                                "casework.referral.received.v1"]
    lawyer = system.client("casework", "lawyer", sub="lawyer-e2e", org="org-legal")
    name = lawyer.get(f"/cases/{case_id}/victims/{victim_id}/name")
    assert (name.status_code, name.json().get("name")) == (200, NAME)


def test_the_referring_organisation_sees_its_referral_accepted_and_the_case_opened(system, referred_victim):
    victim_id, referral_id = referred_victim
    monitor = system.client("intake", "monitor", org="org-doc")
    [pending] = monitor.get(f"/victims/{victim_id}/referrals").json()
    assert (pending["status"], pending["receiving_organisation"]) == ("pending", "org-legal")
    manager = system.client("casework", "case_manager", org="org-legal")
    eventually_sync(lambda: manager.get(f"/referrals/{referral_id}").status_code == 200)
    case_id = manager.post(f"/referrals/{referral_id}/accept", json={"lawyers": ["lawyer-e2e"]}).json()["case_id"]
    answered = eventually_sync(lambda: [
        s for s in monitor.get("/referrals", params={"status": "accepted"}).json()["items"]
        if s["referral_id"] == referral_id and s["case_opened"]])
    assert (answered[0]["decided_by"], answered[0]["case_id"]) == ("org-legal", case_id)
    assert system.client("intake", "monitor", org="org-fidh").get(f"/victims/{victim_id}/referrals").status_code == 404


def test_withdrawal_then_erasure_in_intake_flag_the_case_once_each_and_hide_the_name(system, infra,
                                                                                    referred_victim):
    victim_id, referral_id = referred_victim
    manager = system.client("casework", "case_manager", org="org-legal")
    eventually_sync(lambda: manager.get(f"/referrals/{referral_id}").status_code == 200)
    case_id = manager.post(f"/referrals/{referral_id}/accept", json={"lawyers": ["lawyer-e2e"]}).json()["case_id"]
    lawyer = system.client("casework", "lawyer", sub="lawyer-e2e", org="org-legal")
    path = f"/cases/{case_id}/victims/{victim_id}/name"
    intake = system.client("intake", "documentation_officer", org="org-doc")
    assert intake.put(f"/victims/{victim_id}/consent", json={"legal_support": False}).status_code == 200
    redeliver(system, infra, victim_id, "intake.victim.consent_changed.v1")
    eventually_sync(lambda: lawyer.get(f"/cases/{case_id}").json()["flags"] == ["consent_withdrawn"])
    assert lawyer.get(path).status_code == 403
    assert intake.post(f"/victims/{victim_id}/erasure", json={"reason": "legal_request"}).status_code == 200
    redeliver(system, infra, victim_id, "intake.victim.erased.v1")
    eventually_sync(lambda: "victim_erased" in lawyer.get(f"/cases/{case_id}").json()["flags"])
    eventually_sync(lambda: consumed_everything(system, infra))
    assert lawyer.get(path).status_code == 410
    types = eventually_sync(lambda: (t := casework_event_types(system, infra, case_id)).count(
        "casework.case.flagged.v1") == 2 and t)
    assert types == ["casework.case.flagged.v1", "casework.case.flagged.v1", "casework.case.opened.v1"]


def test_casework_without_a_token_is_refused(system):
    assert httpx.get(system.url("casework") + "/cases", timeout=10).status_code == 401
