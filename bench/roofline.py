"""The raw stack with nothing of ours on top: the roofline the kit is measured against."""

from __future__ import annotations

import time
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from fastapi import FastAPI
from pydantic import BaseModel
from pymongo.asynchronous.collection import AsyncCollection
from servicekit.kafka import ensure_topics

Measurement = tuple[list[float], float]
_TOPIC = f"bench.raw.{uuid.uuid4().hex[:8]}"


async def bench_bare_produce(bootstrap: str, n: int) -> Measurement:
    """Idempotent producer, acks=all, every delivery awaited (same guarantees the relay asks for)."""
    await ensure_topics(bootstrap, [_TOPIC], partitions=3)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=2)
    await producer.start()
    value = b'{"region":"mopti","occurred_on":"2024-03-02","violation_types":["killing"]}'
    try:
        started = time.perf_counter()
        sent = []
        for i in range(n):
            sent.append((time.perf_counter(), await producer.send(_TOPIC, value, key=str(i % 50).encode())))
        latencies = []
        for at, future in sent:
            await future
            latencies.append(time.perf_counter() - at)
        return latencies, time.perf_counter() - started
    finally:
        await producer.stop()


async def bench_bare_consume(bootstrap: str, n: int) -> Measurement:
    """A consumer group reading the records just produced, committing per batch."""
    consumer = AIOKafkaConsumer(_TOPIC, bootstrap_servers=bootstrap, group_id=f"bench-{uuid.uuid4().hex[:6]}",
                                enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        started, seen, latencies = time.perf_counter(), 0, []
        while seen < n and time.perf_counter() - started < 120:
            t0 = time.perf_counter()
            batch = await consumer.getmany(timeout_ms=500, max_records=500)
            for tp, records in batch.items():
                seen += len(records)
                latencies += [(time.perf_counter() - t0) / max(len(records), 1)] * len(records)
                await consumer.commit({tp: records[-1].offset + 1})
        return latencies, time.perf_counter() - started
    finally:
        await consumer.stop()


async def bench_bare_insert(collection: AsyncCollection[Any], n: int) -> Measurement:
    """Sequential inserts by _id of an event-sized document (into the tier's seeded collection)."""
    run = uuid.uuid4().hex[:8]
    latencies, started = [], time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        await collection.insert_one({"_id": f"bare-{run}-{i}:{1:010d}", "region": "mopti", "version": 1,
                                     "events": [{"type": "x", "data": {"a": i}}]})
        latencies.append(time.perf_counter() - t0)
    return latencies, time.perf_counter() - started


class _Body(BaseModel):
    region: str
    occurred_on: str


def bare_http_app(collection: AsyncCollection[Any]) -> FastAPI:
    """A bare FastAPI POST endpoint validating a body and doing one insert."""
    app = FastAPI()

    @app.post("/things", status_code=201)
    async def create(body: _Body) -> dict[str, str]:
        thing_id = str(uuid.uuid4())
        await collection.insert_one({"_id": thing_id, **body.model_dump()})
        return {"id": thing_id}

    return app
