"""Replaying a dead-letter topic through the consumer group's own handlers, in this process.

The records parked in `<group>.dlq` up to now are handed, with their original topic and headers,
to the group's handlers exactly as the worker would (handlers are idempotent: a record whose effect
already exists is a no-op). One that fails again goes back to the same dead-letter topic, after the
point this replay stops at. Progress is kept by the consumer group `<group>.replay`, so a second run
goes on where the first stopped and never replays the same record twice.
"""

from __future__ import annotations

import asyncio
import importlib
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import ConsumerRecord

from ..consumer import ConsumerRunner
from ..kafka import idempotent_producer, topic_partitions
from ..metrics import dead_letters
from ..runtime import ConsumerGroup
from ..settings import BaseServiceSettings

DLQ_PREFIX = "dlq_"


@dataclass(frozen=True)
class ReplayReport:
    """What one replay did: records handled again, dead-lettered again, and left (a transient failure)."""

    topic: str
    replayed: int
    again: int
    left: int


def consumer_group(service: str, purpose: str) -> ConsumerGroup:
    """The service's consumer group named `purpose`, from its `subscriptions.GROUPS`."""
    groups: list[ConsumerGroup] = importlib.import_module(f"{service}.subscriptions").GROUPS
    for group in groups:
        if group.purpose == purpose:
            return group
    raise ValueError(f"{service} has no consumer group {purpose!r}: {[g.purpose for g in groups]}")


def original(record: ConsumerRecord[bytes, bytes]) -> ConsumerRecord[bytes, bytes]:
    """The record as it was before it failed: its original topic, partition and offset, its own headers."""
    headers = dict((k, v) for k, v in record.headers or ())
    kept = tuple((k, v) for k, v in record.headers or () if not k.startswith(DLQ_PREFIX))
    return ConsumerRecord(topic=headers.get("dlq_original_topic", b"").decode() or record.topic,
                          partition=int(headers.get("dlq_original_partition", b"0")),
                          offset=int(headers.get("dlq_original_offset", b"-1")), timestamp=record.timestamp,
                          timestamp_type=record.timestamp_type, key=record.key, value=record.value,
                          checksum=None, serialized_key_size=record.serialized_key_size,
                          serialized_value_size=record.serialized_value_size, headers=kept)


async def replay(settings: BaseServiceSettings, deps: Any, group: ConsumerGroup, *,
                 timeout_seconds: float = 600.0) -> ReplayReport:
    """Replay `<ns><service>.<purpose>.dlq` up to its end as of now; bounded in time."""
    group_id = f"{settings.topic_namespace}{settings.service_name}.{group.purpose}"
    topic, options = f"{group_id}.dlq", settings.kafka_options()
    producer = idempotent_producer(settings.kafka_bootstrap, client_id=f"{settings.service_name}-replay", **options)
    reader = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, group_id=f"{group_id}.replay",
                              enable_auto_commit=False, auto_offset_reset="earliest", **options)
    runner = ConsumerRunner(bootstrap=settings.kafka_bootstrap, group_id=group_id, topics=[],
                            subscriptions=group.subscriptions, deps=deps, dlq_producer=producer,
                            max_attempts=settings.consumer_max_attempts,
                            backoff_max_seconds=settings.consumer_backoff_max_seconds, client_options=options)
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, client_id="redress-replay", **options)
    await admin.start()
    try:
        parts = await topic_partitions(admin, [topic])
    finally:
        await admin.close()
    await producer.start()
    await reader.start()
    try:
        reader.assign(parts)
        ends = await reader.end_offsets(parts) if parts else {}
        return await asyncio.wait_for(_drain(reader, runner, ends, topic), timeout_seconds)
    finally:
        await reader.stop()
        await producer.stop()


async def _drain(reader: AIOKafkaConsumer, runner: ConsumerRunner, ends: dict[TopicPartition, int],
                 topic: str) -> ReplayReport:
    """Hand every record below `ends` to the runner, committing after each; stop at a transient failure."""
    handled, before = 0, _dead_lettered(runner.group_id)
    stopped = False
    for tp, end in ends.items():
        while not stopped and await reader.position(tp) < end:
            batch = await reader.getmany(tp, timeout_ms=1000, max_records=100)
            for record in (r for r in batch.get(tp, []) if r.offset < end):
                if not await runner.process(original(record)):
                    stopped = True  # the store or a gateway is away: the next run starts at this record
                    break
                await reader.commit({tp: record.offset + 1})
                handled += 1
    again = _dead_lettered(runner.group_id) - before
    left = 0
    for tp, end in ends.items():
        left += end - (await reader.committed(tp) or 0)
    return ReplayReport(topic, handled - again, again, max(0, left))


def _dead_lettered(group_id: str) -> int:
    """Records this process has dead-lettered for the group so far (the kit's counter)."""
    return int(sum(sample.value for metric in dead_letters.collect() for sample in metric.samples
                   if sample.name == "redress_dead_letters_total" and sample.labels.get("group") == group_id))
