"""One trace covers the intake HTTP request, the relay's publish and advocacy's consume."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from servicekit.consumer import ConsumerRunner
from servicekit.devtokens import ensure_dev_keypair, mint_token
from servicekit.kafka import ensure_topics, idempotent_producer
from servicekit.relay import OutboxRelay
from servicekit.runtime import ConsumerGroup
from servicekit.telemetry import instrument_pymongo, setup_tracing
from servicekit.testing import unique_name

pytestmark = pytest.mark.integration


async def test_one_trace_spans_http_publish_and_consume(infra, mongo, tmp_path):
    from advocacy.bootstrap import build_deps as advocacy_deps
    from advocacy.config import Settings as AdvocacySettings
    from advocacy.subscriptions import INDICATORS
    from intake.bootstrap import build_deps as intake_deps
    from intake.config import Settings as IntakeSettings
    from intake.entrypoints.api import build_app

    exporter = InMemorySpanExporter()
    setup_tracing("redress-test", processor=SimpleSpanProcessor(exporter))
    instrument_pymongo()
    key, jwks = ensure_dev_keypair(tmp_path / "keys")
    namespace = unique_name("trace").replace("_", "") + "."
    common = {"kafka_bootstrap": infra.kafka_bootstrap, "mongo_url": infra.mongo_url, "auth_jwks_file": jwks,
              "topic_namespace": namespace}
    intake = intake_deps(IntakeSettings(mongo_db=unique_name("trace_intake"), kek_source="base64:" + "A" * 43 + "=",
                                        **common))
    advocacy = advocacy_deps(AdvocacySettings(mongo_db=unique_name("trace_advocacy"), **common))
    await ensure_topics(infra.kafka_bootstrap, [namespace + "intake.incidents"])

    token = mint_token(key, subject="monitor-1", roles=["monitor"], org="org-amdh")
    transport = httpx.ASGITransport(app=build_app(intake))
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
        response = await client.post("/incidents", headers={"Authorization": f"Bearer {token}"},
                                     json={"occurred_on": "2024-03-02", "region": "mopti",
                                           "violation_types": ["killings"]})
    assert response.status_code == 201, response.text

    producer = idempotent_producer(infra.kafka_bootstrap, client_id="trace-test")
    await producer.start()
    try:
        while await OutboxRelay(intake.core.db, producer).publish_pending():
            pass
        group = ConsumerGroup(INDICATORS.purpose, [namespace + t for t in INDICATORS.topics], INDICATORS.subscriptions)
        runner = ConsumerRunner(bootstrap=infra.kafka_bootstrap, group_id=unique_name("trace.group"),
                                topics=group.topics, subscriptions=group.subscriptions, deps=advocacy,
                                dlq_producer=producer)
        stop = asyncio.Event()
        task = asyncio.create_task(runner.run(stop))
        deadline = time.monotonic() + 30
        while not [s for s in exporter.get_finished_spans() if s.name == "consume intake.incident.documented.v1"
                   and s.attributes.get("messaging.message.id") and s.status.is_ok]:
            assert time.monotonic() < deadline, "advocacy never consumed the incident"
            await asyncio.sleep(0.2)
        stop.set()
        await task
    finally:
        await producer.stop()

    spans = exporter.get_finished_spans()
    server = [s for s in spans if s.kind.name == "SERVER" and "/incidents" in s.name]
    publish = [s for s in spans if s.name == "publish intake.incident.documented.v1"]
    consume = [s for s in spans if s.name == "consume intake.incident.documented.v1"]
    assert server and publish and consume
    trace_id = server[0].context.trace_id
    assert publish[0].context.trace_id == trace_id
    assert consume[0].context.trace_id == trace_id
    store_spans = [s for s in spans if s.context.trace_id == trace_id and s.kind.name == "CLIENT"]
    assert store_spans, "the store commands of the request belong to the same trace"
    await mongo.drop_database(intake.core.db.name)
    await mongo.drop_database(advocacy.core.db.name)
