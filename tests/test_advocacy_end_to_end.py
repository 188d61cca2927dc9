"""End to end through real processes: incidents and victims documented in intake, cases moving in casework,
and advocacy's protected figures, with every event delivered twice.

Other system tests share these services, so every figure checked here is asked for a period only this
test writes in (incidents in 2013, complaints in 2013, hearings set for 2031); victims are checked in
advocacy's store, through the one-way keys it derives.
"""

from __future__ import annotations

import hashlib
import hmac

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from servicekit.kafka import idempotent_producer
from servicekit.testing import eventually, read_topic

pytestmark = pytest.mark.integration

TOPICS = ("intake.incidents", "intake.victims", "casework.cases", "casework.hearings")
YEAR = {"period_start": "2013-01-01", "period_end": "2013-12-31"}


def client(system, service: str, role: str, org: str = "org-amdh") -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=system.url(service), timeout=20.0,
                             headers={"Authorization": f"Bearer {system.token(role, org=org)}"})


async def document(system) -> list[str]:
    """Seven victims with consent, six incidents in Mopti and one in Kidal (2013), every victim referred."""
    async with client(system, "intake", "documentation_officer") as intake:
        victims = []
        for n in range(7):
            body = {"sex": "female" if n < 6 else "male", "age_band": "18-24", "region": "mopti",
                    "consent": {"legal_support": True, "statistics": True, "sharing": ["org-legal"]}}
            response = await intake.post("/victims", json=body)
            assert response.status_code == 201, response.text
            victims.append(response.json()["id"])
        for n, region in enumerate(["mopti"] * 6 + ["kidal"]):
            response = await intake.post("/incidents", json={
                "occurred_on": f"2013-0{1 + n % 6}-15", "region": region, "violation_types": ["summary_execution"],
                "acts": [{"violation_type": "summary_execution", "victim_ids": [victims[n]]}]})
            assert response.status_code == 201, response.text
        for victim in victims:
            response = await intake.post(f"/victims/{victim}/referrals", json={
                "needs": ["legal_representation"], "urgency": "high", "receiving_organisation": "org-legal"})
            assert response.status_code == 201, response.text
    return victims


async def open_cases(system, victims: list[str]) -> list[str]:
    """Casework accepts each referral; six cases file a complaint in 2013, five reach judgment."""
    async with client(system, "casework", "case_manager", org="org-legal") as casework:
        async def referrals() -> list[dict]:
            listed = (await casework.get("/referrals", params={"limit": 200})).json()["items"]
            mine = [r for r in listed if r.get("victim_id") in victims and r.get("status") == "pending"]
            return mine if len(mine) == len(victims) else []

        cases = []
        for referral in await eventually(referrals):
            accepted = await casework.post(f"/referrals/{referral['id']}/accept",
                                           json={"lawyers": ["lawyer-1"], "court": "ml-tgi-mopti"})
            assert accepted.status_code in (200, 201), accepted.text
            cases.append(accepted.json()["case_id"])
        for n, case_id in enumerate(cases[:6]):
            steps = [("complaint_civil_party", "2013-02-01")]
            steps += [("trial", "2013-10-01"), ("judgment", "2014-02-01")] if n < 5 else []
            for to_stage, on in steps:
                moved = await casework.post(f"/cases/{case_id}/stage", json={"to_stage": to_stage,
                                                                             "effective_on": on})
                assert moved.status_code == 200, moved.text
    return cases


async def postpone_hearings(system, cases: list[str]) -> None:
    """Five hearings set for 2031, each postponed once."""
    async with client(system, "casework", "lawyer", org="org-legal") as lawyer:
        for n, case_id in enumerate(cases[:5]):
            scheduled = await lawyer.post(f"/cases/{case_id}/hearings", json={
                "court": "ml-tgi-mopti", "starts_at": f"2031-03-0{n + 1}T09:00:00+00:00", "purpose": "trial"})
            assert scheduled.status_code == 201, scheduled.text
            moved = await lawyer.post(f"/hearings/{scheduled.json()['id']}/reschedule", json={
                "starts_at": f"2031-04-0{n + 1}T09:00:00+00:00", "reason": "judge_absent"})
            assert moved.status_code == 200, moved.text


async def redeliver_everything(bootstrap: str, namespace: str) -> None:
    """Publish every record of the topics a second time, as a relay that crashed before its ack would."""
    producer = idempotent_producer(bootstrap, client_id="advocacy-e2e-redelivery")
    await producer.start()
    try:
        for topic in TOPICS:
            for record in await read_topic(bootstrap, namespace + topic, timeout=20, idle=1.5):
                await producer.send_and_wait(namespace + topic, record.value, key=record.key,
                                             headers=list(record.headers))
    finally:
        await producer.stop()


async def lag(bootstrap: str, group: str, topics: list[str]) -> int:
    """Records of the topics the consumer group has not committed yet."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="advocacy-e2e-admin")
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await admin.start()
    await consumer.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
        partitions = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
        ends = await consumer.end_offsets(partitions)
    finally:
        await admin.close()
        await consumer.stop()
    return sum(end - (committed[tp].offset if tp in committed else 0) for tp, end in ends.items())


async def figure(system, name: str, **params: str) -> dict:
    async with client(system, "advocacy", "analyst") as analyst:
        response = await analyst.get(f"/indicators/{name}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_documented_victims_and_moving_cases_reach_the_indicators_once(system, infra, mongo):
    victims = await document(system)
    cases = await open_cases(system, victims)
    await postpone_hearings(system, cases)
    await redeliver_everything(infra.kafka_bootstrap, system.namespace)
    topics = [system.namespace + t for t in TOPICS]

    async def caught_up() -> bool:
        return await lag(infra.kafka_bootstrap, system.namespace + "advocacy.indicators", topics) == 0

    await eventually(caught_up)
    incidents = await figure(system, "incidents-by-region", **YEAR)
    assert dict(zip(incidents["labels"], incidents["values"], strict=True)) == {"kidal": "<5", "mopti": "x"}
    assert incidents["total"] == 7
    assert (await figure(system, "trial-share", **YEAR))["share"] == "x"  # 5 of 6: the one left out is a small cell
    durations = await figure(system, "case-durations", **YEAR)
    assert durations["complaint_to_judgment"] == {"median_days": 365, "n": 5}
    postponed = await figure(system, "hearing-postponement-rate", period_start="2031-01-01",
                             period_end="2031-12-31")
    assert postponed["rate"] == 1.0
    await assert_victims_counted_once_and_never_named(mongo[f"{system.db_prefix}_advocacy"], victims)


async def assert_victims_counted_once_and_never_named(db, victims: list[str]) -> None:
    """Each victim has one registration and one referral fact under its one-way key, and no raw id anywhere."""
    secret = bytes.fromhex((await db["service_secrets"].find_one({"_id": "victim-pseudonym-key"}))["key"])
    keys = [hmac.new(secret, v.encode(), hashlib.sha256).hexdigest() for v in victims]
    live = (await db["projection_meta"].find_one({"_id": "live"}) or {}).get("generation", 1)
    referrals = [doc async for doc in db[f"g{live:04d}_referrals"].find({})]
    registered = [doc async for doc in db[f"g{live:04d}_victims"].find({"kind": "registered"})]
    assert sorted(d["data"]["victim_key"] for d in referrals if d["data"]["victim_key"] in keys) == sorted(keys)
    assert sorted(d["subject"] for d in registered if d["subject"] in keys) == sorted(keys)
    for name in await db.list_collection_names():
        async for doc in db[name].find({}):
            assert not any(v in str(doc) for v in victims), f"a victim id is stored in {name}"
