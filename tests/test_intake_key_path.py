"""The key path through real processes: a service decrypts a victim's contact only while consent allows."""

from __future__ import annotations

import asyncio
import time

import pytest
from servicekit.envelope import Envelope
from servicekit.keyclient import KeyClient, KeyUnavailable, dev_service_token_provider
from servicekit.testing import header, read_topic

pytestmark = pytest.mark.integration


async def registered_event(bootstrap: str, topic: str, victim_id: str) -> Envelope:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for record in await read_topic(bootstrap, topic, timeout=5.0, idle=0.5):
            if header(record, "ce_type") == "intake.victim.registered.v1" and header(record, "ce_subject") == victim_id:
                return Envelope.from_record(record.key, record.value, record.headers)
        await asyncio.sleep(0.3)
    raise AssertionError("the registration was not published in time")


async def test_notify_decrypts_the_phone_from_the_bus_until_the_victim_is_erased(system, infra):
    monitor = system.client("intake", "monitor")
    victim_id = monitor.post("/victims", json={
        "sex": "male", "age_band": "40-59", "region": "segou", "identity": {"name": "Seydou Dembélé",
                                                                           "phone": "+223 65 43 21 09"},
        "consent": {"notifications": {"granted": True, "channel": "sms", "language": "bm"}}}).json()["id"]
    event = await registered_event(infra.kafka_bootstrap, system.namespace + "intake.victims", victim_id)
    tokens = dev_service_token_provider(system.private_key, service="notify")
    notify = KeyClient(system.url("intake"), tokens, purpose="notifications")
    casework = KeyClient(system.url("intake"), dev_service_token_provider(system.private_key, service="casework"),
                         purpose="legal_support")
    try:
        phone = await notify.decrypt(victim_id, "phone", event.data["phone_ciphertext"])
        with pytest.raises(KeyUnavailable) as no_consent:
            await casework.data_key(victim_id, "org-legal")  # no legal-support consent
        officer = system.client("intake", "documentation_officer")
        assert officer.post(f"/victims/{victim_id}/erasure", json={"reason": "consent_withdrawn"}).status_code == 200
        notify.forget(victim_id)
        with pytest.raises(KeyUnavailable) as erased:
            await notify.data_key(victim_id)
    finally:
        await notify.close()
        await casework.close()
    assert phone == "+22365432109"  # stored as E.164 at registration
    assert no_consent.value.status == 403 and erased.value.erased
