"""The kit's own paths, measured like the roofline: command -> stored -> published, consume, HTTP."""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Annotated, ClassVar

import httpx
from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict
from servicekit.auth import Principal, require
from servicekit.consumer import ConsumedEvent, ConsumerRunner
from servicekit.devtokens import ensure_dev_keypair, mint_token
from servicekit.domain import AggregateState, AggregateType, DomainEvent
from servicekit.envelope import Envelope, utcnow
from servicekit.eventstore import CommandContext
from servicekit.kafka import ensure_topics, idempotent_producer
from servicekit.relay import OutboxRelay
from servicekit.service import build_core, service_app, token_verifier
from servicekit.settings import BaseServiceSettings
from servicekit.testing import read_topic

Measurement = tuple[list[float], float]


class ThingRecorded(DomainEvent):
    event_type: ClassVar[str] = "bench.thing.recorded.v1"
    region: str
    occurred_on: str


class Thing(AggregateState):
    region: str
    occurred_on: str


def _evolve(state: Thing | None, event: DomainEvent) -> Thing:
    assert isinstance(event, ThingRecorded)
    return Thing(id="", region=event.region, occurred_on=event.occurred_on)


def _record(region: str):
    def decide(state: Thing | None) -> list[DomainEvent]:
        return [] if state else [ThingRecorded(region=region, occurred_on="2024-03-02")]
    return decide


def _settings(bootstrap: str, mongo_url: str, **extra) -> BaseServiceSettings:
    return BaseServiceSettings(service_name="bench", kafka_bootstrap=bootstrap, mongo_url=mongo_url,
                               mongo_db=f"bench_kit_{uuid.uuid4().hex[:8]}", **extra)


async def bench_command_path(bootstrap: str, mongo_url: str, n: int) -> tuple[Measurement, Measurement]:
    """Sequential commands while the relay runs: stored latency, and publish latency seen by a reader."""
    topic = f"bench.kit.{uuid.uuid4().hex[:8]}"
    await ensure_topics(bootstrap, [topic], partitions=3)
    agg = AggregateType(name="thing", topic=topic, collection="things", state_type=Thing,
                        events=(ThingRecorded,), evolve=_evolve)
    core = build_core(_settings(bootstrap, mongo_url))
    producer = idempotent_producer(bootstrap, client_id="bench-relay")
    await producer.start()
    stop = asyncio.Event()
    relay = asyncio.create_task(OutboxRelay(core.db, producer).run(stop))
    try:
        stored, started = [], time.perf_counter()
        for _ in range(n):
            t0 = time.perf_counter()
            await core.store.execute(agg, str(uuid.uuid4()), _record("mopti"), context=CommandContext(actor="bench"))
            stored.append(time.perf_counter() - t0)
        stored_elapsed = time.perf_counter() - started
        while await core.db.outbox.count_documents({}) and time.perf_counter() - started < 300:
            await asyncio.sleep(0.01)
        published_elapsed = time.perf_counter() - started
    finally:
        stop.set()
        await relay
        await producer.stop()
    records = await read_topic(bootstrap, topic, expected=n, timeout=60)
    lag = [r.timestamp / 1000 - _header_time(r) for r in records]
    await core.client.drop_database(core.db.name)
    return (stored, stored_elapsed), (lag, published_elapsed)


def _header_time(record) -> float:
    value = dict(record.headers)["ce_time"].decode().replace("Z", "+00:00")
    return datetime.fromisoformat(value).timestamp()


async def bench_consumer_path(bootstrap: str, mongo_url: str, n: int) -> Measurement:
    """The consumer runner with an idempotent store effect per event (the usual consume path)."""
    topic = f"bench.consume.{uuid.uuid4().hex[:8]}"
    await ensure_topics(bootstrap, [topic], partitions=3)
    agg = AggregateType(name="thing", topic=f"{topic}.out", collection="things", state_type=Thing,
                        events=(ThingRecorded,), evolve=_evolve)
    core = build_core(_settings(bootstrap, mongo_url))
    producer = idempotent_producer(bootstrap, client_id="bench-consume")
    await producer.start()
    for i in range(n):
        env = Envelope(id=str(uuid.uuid4()), source="/redress/bench", type="bench.thing.recorded.v1",
                       subject=f"thing-{i}", time=utcnow(), data={"region": "mopti", "occurred_on": "2024-03-02"})
        await producer.send(topic, env.value(), key=env.key(), headers=env.headers())
    await producer.flush()
    latencies: list[float] = []

    async def apply(event: ConsumedEvent, deps: object) -> None:
        t0 = time.perf_counter()
        await core.store.execute(agg, event.envelope.subject, _record(event.data["region"]),
                                 context=CommandContext(actor="bench", causation_id=event.id),
                                 idempotency_key=event.effect_key("apply"))
        latencies.append(time.perf_counter() - t0)

    runner = ConsumerRunner(bootstrap=bootstrap, group_id=f"bench.{uuid.uuid4().hex[:6]}", topics=[topic],
                            subscriptions={"bench.thing.recorded.v1": [apply]}, deps=None, dlq_producer=producer)
    stop = asyncio.Event()
    started = time.perf_counter()
    task = asyncio.create_task(runner.run(stop))
    while len(latencies) < n and time.perf_counter() - started < 300:
        await asyncio.sleep(0.01)
    elapsed = time.perf_counter() - started
    stop.set()
    await task
    await producer.stop()
    await core.client.drop_database(core.db.name)
    return latencies, elapsed


class _ThingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    region: str
    occurred_on: str


async def bench_http_command(bootstrap: str, mongo_url: str, n: int) -> Measurement:
    """POST through a kit app: input guard, JWT verification, problem handlers and the event store."""
    keys = Path(tempfile.mkdtemp()) / "keys"
    private, jwks = ensure_dev_keypair(keys)
    settings = _settings(bootstrap, mongo_url, auth_jwks_file=jwks)
    core = build_core(settings)
    agg = AggregateType(name="thing", topic="bench.things", collection="things", state_type=Thing,
                        events=(ThingRecorded,), evolve=_evolve)
    router = APIRouter()

    @router.post("/things", status_code=201)
    async def create(body: _ThingCreate,
                     principal: Annotated[Principal, Depends(require(roles={"monitor"}))]) -> dict[str, str]:
        thing_id = str(uuid.uuid4())
        await core.store.execute(agg, thing_id, _record(body.region), context=CommandContext(actor=principal.subject))
        return {"id": thing_id}

    app = service_app(core=core, deps=None, verifier=token_verifier(settings), title="bench", description="bench",
                      routers=[router])
    token = mint_token(private, subject="bench", roles=["monitor"], org="org-bench")
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        latencies, started = [], time.perf_counter()
        for _ in range(n):
            t0 = time.perf_counter()
            response = await client.post("/things", json={"region": "mopti", "occurred_on": "2024-03-02"},
                                         headers=headers)
            assert response.status_code == 201, response.text
            latencies.append(time.perf_counter() - t0)
        elapsed = time.perf_counter() - started
    await core.client.drop_database(core.db.name)
    return latencies, elapsed
