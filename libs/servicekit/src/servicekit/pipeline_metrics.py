"""Gauges of a service's pipeline, read at scrape time from its store and its broker.

The outbox (depth, age of the oldest pending event) is read from the store; consumer lag per group
and partition and the records parked in dead-letter topics are read from the broker (committed
offsets against end offsets), so the figures hold across restarts and replicas, and an API process
reports them as well as a worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import Gauge
from pymongo.asynchronous.database import AsyncDatabase

from .commits import OUTBOX_FIELD, PENDING
from .kafka import topic_partitions
from .metrics import Refresher
from .settings import BaseServiceSettings

outbox_depth = Gauge("redress_outbox_pending_events", "Events in the outbox, not yet acknowledged by the broker")
outbox_oldest_age = Gauge("redress_outbox_oldest_pending_age_seconds",
                          "Age of the oldest event waiting in the outbox (0 when it is empty)")
consumer_lag = Gauge("redress_consumer_lag_records", "Records of a partition not yet committed by a consumer group",
                     ["group", "topic", "partition"])
dead_letter_records = Gauge("redress_dead_letter_topic_records", "Records held in a dead-letter topic",
                            ["topic"])
BROKER_TIMEOUT_MS = 2500


MAX_PENDING_READ = 10_000  # a depth past this reads as this: the alert fires long before


def outbox_refresher(db: AsyncDatabase[Any]) -> Refresher:
    """Scrape-time depth and oldest age of the service's outbox: its commits still marked pending."""
    events = db["events"]

    async def refresh() -> None:
        # Pending commits are few (the relay drains them in batches); their own index serves this read.
        pending = await events.find({OUTBOX_FIELD: PENDING}, {"committed_at": 1, "events.id": 1}).sort(
            "committed_at", 1).limit(MAX_PENDING_READ).to_list()
        outbox_depth.set(sum(len(commit["events"]) for commit in pending))
        oldest = datetime.fromisoformat(pending[0]["committed_at"]).timestamp() if pending else None
        outbox_oldest_age.set(max(0.0, time.time() - oldest) if oldest is not None else 0.0)

    return refresh


def broker_refresher(settings: BaseServiceSettings) -> Refresher:
    """Scrape-time lag of the service's consumer groups and depth of their dead-letter topics."""
    prefix = f"{settings.topic_namespace}{settings.service_name}."

    async def refresh() -> None:
        options = settings.kafka_options()
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, client_id="redress-metrics",
                                    request_timeout_ms=BROKER_TIMEOUT_MS, **options)
        reader = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, client_id="redress-metrics",
                                  request_timeout_ms=BROKER_TIMEOUT_MS, enable_auto_commit=False, **options)
        try:
            await admin.start()
            await reader.start()
            groups = sorted(g for g, *_ in await admin.list_consumer_groups() if g.startswith(prefix))
            committed = {g: await admin.list_consumer_group_offsets(g) for g in groups}
            dlq_parts = await topic_partitions(admin, [f"{g}.dlq" for g in groups])
            await _publish(reader, committed, [f"{g}.dlq" for g in groups], dlq_parts)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.gather(admin.close(), reader.stop())

    return refresh


async def _publish(reader: AIOKafkaConsumer, committed: dict[str, dict[TopicPartition, Any]],
                   dlqs: list[str], dlq_parts: list[TopicPartition]) -> None:
    """Set the lag and dead-letter gauges from committed offsets and the partitions' end offsets."""
    wanted = {tp for offsets in committed.values() for tp in offsets} | set(dlq_parts)
    ends = await reader.end_offsets(list(wanted)) if wanted else {}
    starts = await reader.beginning_offsets(dlq_parts) if dlq_parts else {}
    consumer_lag.clear()
    for group, offsets in committed.items():
        for tp, meta in offsets.items():
            consumer_lag.labels(group=group, topic=tp.topic, partition=str(tp.partition)).set(
                max(0, ends.get(tp, 0) - max(meta.offset, 0)))
    dead_letter_records.clear()
    for topic in dlqs:
        parts = [tp for tp in dlq_parts if tp.topic == topic]
        if parts:
            dead_letter_records.labels(topic=topic).set(sum(ends.get(tp, 0) - starts.get(tp, 0) for tp in parts))


def pipeline_refreshers(settings: BaseServiceSettings, db: AsyncDatabase[Any]) -> list[Refresher]:
    """The refreshers every API and worker of a service registers."""
    return [outbox_refresher(db), broker_refresher(settings)]
