"""Scrape-time gauges read from the real broker and store: consumer lag, dead-letter depth, outbox."""

from __future__ import annotations

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from prometheus_client import REGISTRY
from servicekit.kafka import ensure_topics, idempotent_producer
from servicekit.pipeline_metrics import broker_refresher, outbox_refresher
from servicekit.settings import BaseServiceSettings
from servicekit.testing import unique_name

pytestmark = pytest.mark.integration


async def test_lag_and_dead_letters_of_the_services_groups_are_read_from_the_broker(infra):
    ns = unique_name("pm").replace("_", "") + "."
    topic, group = f"{ns}kit.things", f"{ns}kit.counting"
    await ensure_topics(infra.kafka_bootstrap, [topic, f"{group}.dlq"], partitions=1)
    producer = idempotent_producer(infra.kafka_bootstrap, client_id="pm-test")
    await producer.start()
    try:
        for n in range(5):
            await producer.send_and_wait(topic, b"{}", key=str(n).encode())
        for n in range(2):
            await producer.send_and_wait(f"{group}.dlq", b"{}", key=str(n).encode())
    finally:
        await producer.stop()
    consumer = AIOKafkaConsumer(bootstrap_servers=infra.kafka_bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, 0)])
        await consumer.commit({TopicPartition(topic, 0): 2})  # two of five done
    finally:
        await consumer.stop()

    settings = BaseServiceSettings(service_name="kit", kafka_bootstrap=infra.kafka_bootstrap, topic_namespace=ns)
    await broker_refresher(settings)()
    lag = REGISTRY.get_sample_value("redress_consumer_lag_records", {"group": group, "topic": topic, "partition": "0"})
    parked = REGISTRY.get_sample_value("redress_dead_letter_topic_records", {"topic": f"{group}.dlq"})
    assert (lag, parked) == (3.0, 2.0)


async def test_outbox_depth_and_oldest_age_come_from_the_store(mongo):
    db = mongo[unique_name("pm_outbox")]
    await db["events"].insert_many([
        {"_id": "a", "committed_at": "2001-09-09T01:46:40+00:00", "outbox": "pending",
         "events": [{"id": "1"}, {"id": "2"}]},
        {"_id": "b", "committed_at": "2001-09-09T02:00:00+00:00", "outbox": "pending", "events": [{"id": "3"}]},
        {"_id": "c", "committed_at": "2001-09-09T03:00:00+00:00", "events": [{"id": "4"}]},  # already relayed
    ])
    await outbox_refresher(db)()
    assert REGISTRY.get_sample_value("redress_outbox_pending_events") == 3
    assert REGISTRY.get_sample_value("redress_outbox_oldest_pending_age_seconds") > 700_000_000
    await db["events"].update_many({}, {"$unset": {"outbox": ""}})
    await outbox_refresher(db)()
    assert REGISTRY.get_sample_value("redress_outbox_pending_events") == 0
    assert REGISTRY.get_sample_value("redress_outbox_oldest_pending_age_seconds") == 0


async def test_reading_dead_letter_depth_never_creates_a_missing_dead_letter_topic(infra):
    from aiokafka.admin import AIOKafkaAdminClient

    ns = unique_name("pm").replace("_", "") + "."
    group = f"{ns}kit.lonely"
    await ensure_topics(infra.kafka_bootstrap, [f"{ns}kit.things"], partitions=1)
    consumer = AIOKafkaConsumer(bootstrap_servers=infra.kafka_bootstrap, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign([TopicPartition(f"{ns}kit.things", 0)])
        await consumer.commit({TopicPartition(f"{ns}kit.things", 0): 0})
    finally:
        await consumer.stop()
    settings = BaseServiceSettings(service_name="kit", kafka_bootstrap=infra.kafka_bootstrap, topic_namespace=ns)
    await broker_refresher(settings)()
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap)
    await admin.start()
    try:
        assert f"{group}.dlq" not in await admin.list_topics()
    finally:
        await admin.close()
