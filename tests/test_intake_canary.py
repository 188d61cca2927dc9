"""Canary: a victim's name and phone never reach Kafka or a log line, through real intake processes."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from servicekit.testing import header, read_topic

pytestmark = pytest.mark.integration


def canary_identity() -> dict[str, str]:
    tag = uuid.uuid4().hex[:8]
    digits = str(int(tag, 16) % 10**8).zfill(8)
    return {"name": f"Kanari{tag} N'Diaye-Kɔnɛ", "phone": f"+223 {digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}",
            "email": f"kanari{tag}@example.org", "address": f"Quartier Kanari{tag}, Sévaré",
            "narrative": f"Témoignage de Kanari{tag}."}


def needles(identity: dict[str, str]) -> set[str]:
    """Every form a leak could take: each value, the bare name tag, the phone's digits."""
    tag = identity["email"].split("@")[0]
    digits = "".join(c for c in identity["phone"] if c.isdigit())
    return {*identity.values(), tag, digits, digits[3:], identity["phone"].replace(" ", "")}


def exercise_intake(system, identity: dict[str, str]) -> str:
    monitor = system.client("intake", "monitor")
    body = {"sex": "female", "age_band": "25-39", "region": "mopti", "identity": identity,
            "consent": {"legal_support": True, "sharing": ["org-legal"],
                        "notifications": {"granted": True, "channel": "sms"}}}
    created = monitor.post("/victims", json=body)
    assert created.status_code == 201, created.text
    victim_id = created.json()["id"]
    # No incident here: advocacy counts every documented incident of the session (tests/test_first_flow.py).
    referral = monitor.post(f"/victims/{victim_id}/referrals", json={"needs": ["legal_representation"],
                                                                     "urgency": "high",
                                                                     "receiving_organisation": "org-legal"})
    assert referral.status_code == 201, referral.text
    assert monitor.get(f"/victims/{victim_id}").json()["identity"]["name"] == identity["name"]
    # Bad input carrying the canary must not echo it either (nor log it).
    refused = monitor.post("/victims", json={**body, "identity": {**identity, "phone": identity["name"]}})
    assert refused.status_code == 422 and identity["name"] not in refused.text
    return victim_id


async def intake_topics(bootstrap: str, namespace: str) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return sorted(t for t in await admin.list_topics() if t.startswith(namespace + "intake."))
    finally:
        await admin.close()


async def wait_for_referral(bootstrap: str, topic: str, victim_id: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        records = await read_topic(bootstrap, topic, timeout=5.0, idle=0.5)
        if any(header(r, "ce_type") == "intake.victim.referred.v1" and header(r, "ce_subject") == victim_id
               for r in records):
            return
        await asyncio.sleep(0.3)
    raise AssertionError("the referral was not published in time")


async def test_no_canary_on_any_intake_topic_or_in_any_log_line(system, infra):
    identity = canary_identity()
    victim_id = exercise_intake(system, identity)
    await wait_for_referral(infra.kafka_bootstrap, system.namespace + "intake.victims", victim_id)
    topics = await intake_topics(infra.kafka_bootstrap, system.namespace)
    assert system.namespace + "intake.victims" in topics
    messages = 0
    for topic in topics:
        for record in await read_topic(infra.kafka_bootstrap, topic, timeout=10.0, idle=0.5):
            messages += 1
            raw = (record.value or b"") + (record.key or b"") + b"".join(v or b"" for _, v in record.headers or ())
            text = raw.decode("utf-8", "replace")
            assert not [n for n in needles(identity) if n in text], f"canary leaked on {topic}"
    assert messages >= 3  # registered, consent, referred: each had a chance to leak the canary
    lines = 0
    for path in system.log_files():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            lines += 1
            assert not [n for n in needles(identity) if n in line], f"canary leaked in {path.name}"
    assert lines > 0
