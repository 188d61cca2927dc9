"""Every record the services published in this session is a valid CloudEvent matching its contract."""

from __future__ import annotations

import json
import time
from pathlib import Path

import jsonschema
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from servicekit.envelope import CLASSIFICATIONS, Envelope
from servicekit.testing import REPO_ROOT, header, read_topic

pytestmark = pytest.mark.integration


def committed_schemas() -> dict[str, dict]:
    schemas = {}
    for path in REPO_ROOT.glob("services/*/contracts/events/*.json"):
        schemas[Path(path).stem] = json.loads(path.read_text(encoding="utf-8"))
    return schemas


async def session_topics(bootstrap: str, namespace: str) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return sorted(t for t in await admin.list_topics() if t.startswith(namespace) and not t.endswith(".dlq"))
    finally:
        await admin.close()


async def test_every_published_record_carries_valid_cloudevents_headers(system, infra):
    monitor = system.client("intake", "monitor")
    response = monitor.post("/incidents", json={"occurred_on": "2024-03-02", "region": "mopti",
                                                "violation_types": ["killings"]})
    assert response.status_code == 201, response.text
    deadline = time.monotonic() + 20
    topics: list[str] = []
    while time.monotonic() < deadline and f"{system.namespace}intake.incidents" not in topics:
        topics = await session_topics(infra.kafka_bootstrap, system.namespace)
    schemas = committed_schemas()
    checked = 0
    for topic in topics:
        for record in await read_topic(infra.kafka_bootstrap, topic, idle=1.0):
            envelope = Envelope.from_record(record.key, record.value, record.headers)  # raises if invalid
            service = envelope.source.removeprefix("/redress/")
            assert topic.removeprefix(system.namespace).startswith(service + "."), (topic, envelope.type)
            assert envelope.type.startswith(service + ".")
            assert header(record, "ce_dataclassification") in CLASSIFICATIONS
            assert header(record, "traceparent"), f"{envelope.type} carries no trace context"
            assert record.key.decode() == envelope.subject
            assert envelope.type in schemas, f"no committed schema for {envelope.type}"
            jsonschema.validate(envelope.data, schemas[envelope.type])
            checked += 1
    assert checked >= 1
