"""`/metrics` counts SMS deliveries by channel, status and provider, read from the store at scrape."""

from __future__ import annotations

import random
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.integration


def deliveries(page: str) -> dict[tuple[str, str, str], float]:
    return {(s.labels["channel"], s.labels["status"], s.labels["provider"]): s.value
            for family in text_string_to_metric_families(page) for s in family.samples
            if s.name == "redress_notify_deliveries"}


async def test_metrics_count_a_sent_and_a_failed_sms_by_provider(notify: Any, api: Any, sms_gateway: Any) -> None:
    assert deliveries((await api.get("/metrics")).text) == {}
    sent = await notify.register(phone=f"+2237{random.randrange(10**7):07d}")
    await notify.referral_accepted(sent)
    await notify.tick()
    sms_gateway.script("africastalking", [400])
    refused = await notify.register(phone=f"+2237{random.randrange(10**7):07d}")
    await notify.referral_accepted(refused)
    await notify.tick()
    await notify.tick()

    counts = deliveries((await api.get("/metrics")).text)
    assert counts == {("sms", "sent", "africastalking"): 1.0, ("sms", "failed", "africastalking"): 1.0}
