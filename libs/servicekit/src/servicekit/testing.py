"""Test helpers: the real infrastructure (never mocks), topic readers, unique names."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

REPO_ROOT = Path(__file__).resolve().parents[4]


@dataclass(frozen=True)
class Infra:
    """Where the broker and the store are, and whether this test session started them."""

    kafka_bootstrap: str
    mongo_url: str
    managed: bool


def infra_from_env_or_stack() -> Infra:
    """Use REDRESS_KAFKA_BOOTSTRAP/REDRESS_MONGO_URL if set, else start the local stack scripts."""
    bootstrap = os.environ.get("REDRESS_KAFKA_BOOTSTRAP")
    mongo_url = os.environ.get("REDRESS_MONGO_URL")
    if bootstrap and mongo_url:
        return Infra(bootstrap, mongo_url, managed=os.environ.get("REDRESS_STACK_MANAGED") == "1")
    subprocess.run([str(REPO_ROOT / "deploy/local/stack.sh"), "up"], check=True, cwd=REPO_ROOT)
    port_kafka = os.environ.get("KAFKA_PORT", "19092")
    port_mongo = os.environ.get("FERRETDB_PORT", "27117")
    return Infra(f"127.0.0.1:{port_kafka}", f"mongodb://127.0.0.1:{port_mongo}/", managed=True)


def unique_name(prefix: str) -> str:
    """A name no other test uses (databases, topics, consumer groups)."""
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


async def read_topic(bootstrap: str, topic: str, *, expected: int | None = None, timeout: float = 20.0,
                     idle: float = 1.5) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record of a topic from the beginning (no consumer group), until `expected` or idle."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None,
                                auto_offset_reset="earliest", metadata_max_age_ms=1000)
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    try:
        deadline = time.monotonic() + timeout
        partitions: set[int] = set()
        while not partitions and time.monotonic() < deadline:
            partitions = consumer.partitions_for_topic(topic) or set()
            if not partitions:
                await consumer._client.force_metadata_update()
                await asyncio.sleep(0.2)
        consumer.assign([TopicPartition(topic, p) for p in sorted(partitions)])
        await consumer.seek_to_beginning()
        last_new = time.monotonic()
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for recs in batch.values():
                records += recs
                last_new = time.monotonic()
            if expected is not None and len(records) >= expected and time.monotonic() - last_new > 0.3:
                break
            if expected is None and time.monotonic() - last_new > idle:
                break
    finally:
        await consumer.stop()
    return records


def header(record: ConsumerRecord[bytes, bytes], name: str) -> str | None:
    """A header of a record as text."""
    for key, value in record.headers or ():
        if key == name:
            return value.decode()
    return None
