"""Kafka clients configured the one way the design allows."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

log = logging.getLogger("servicekit.kafka")


def idempotent_producer(bootstrap: str, *, client_id: str, **options: Any) -> AIOKafkaProducer:
    """Producer that never duplicates on its own retries and waits for all in-sync replicas."""
    return AIOKafkaProducer(
        **options,
        bootstrap_servers=bootstrap,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=2,
        # The producer itself retries a batch (same sequence numbers, so the broker drops repeats)
        # until this timeout: long enough to ride out a broker restart without the relay re-sending.
        request_timeout_ms=120000,
        retry_backoff_ms=200,
    )


async def ensure_topics(bootstrap: str, topics: Iterable[str], *, partitions: int = 3, **options: Any) -> None:
    """Create missing topics (replication factor 1 locally; production manages topics itself)."""
    wanted = sorted(set(topics))
    if not wanted:
        return
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="redress-topics", **options)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [NewTopic(t, num_partitions=partitions, replication_factor=1) for t in wanted if t not in existing]
        if missing:
            try:
                await admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass  # another instance created it first
            await asyncio.sleep(0.2)
    finally:
        await admin.close()


async def kafka_reachable(bootstrap: str, timeout: float = 2.0, **options: Any) -> bool:
    """Readiness probe: can we fetch cluster metadata within the timeout?"""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="redress-readyz",
                                request_timeout_ms=int(timeout * 1000), **options)
    try:
        await asyncio.wait_for(admin.start(), timeout)
        await asyncio.wait_for(admin.describe_cluster(), timeout)
        return True
    except Exception:
        return False
    finally:
        try:
            await asyncio.wait_for(admin.close(), timeout)
        except Exception:
            log.debug("closing readiness admin client failed")


async def topic_partitions(admin: AIOKafkaAdminClient, topics: Iterable[str]) -> list[TopicPartition]:
    """The partitions of the topics that exist (a missing one has none), read from the broker's metadata."""
    # Only topics known to exist are described: a metadata request naming a missing topic makes a
    # broker with auto.create.topics.enable (the local one) create it.
    wanted = sorted(set(topics) & set(await admin.list_topics())) if topics else []
    if not wanted:
        return []
    described = await admin.describe_topics(wanted)
    return [TopicPartition(t["topic"], p["partition"]) for t in described if t.get("error_code", 0) == 0
            for p in t.get("partitions", [])]
