"""The kit's own paths on a store seeded to a tier: command, relay drain, consumer, HTTP command.

Every measurement is bounded twice, in count and in seconds (a command on an unindexed store at 50k
records takes seconds, so a fixed count could run for an hour); the figures say how many were done.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, ClassVar

from cpu import CpuMeter, Snapshot
from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict
from seed import COMMITS_PER_AGGREGATE, Commits, bulk_insert, outbox_backlog, seed_aggregates
from servicekit.auth import Principal, require
from servicekit.commits import OUTBOX_FIELD, PENDING
from servicekit.consumer import ConsumedEvent, ConsumerRunner
from servicekit.devtokens import ensure_dev_keypair, mint_token
from servicekit.domain import AggregateState, AggregateType, DomainEvent
from servicekit.envelope import Envelope, utcnow
from servicekit.eventstore import CommandContext
from servicekit.kafka import ensure_topics, idempotent_producer
from servicekit.relay import OutboxRelay
from servicekit.service import Core, service_app, token_verifier
from servicekit.settings import BaseServiceSettings
from servicekit.testing import read_topic

Measurement = tuple[list[float], float]


@dataclass(frozen=True)
class Budget:
    """At most `count` operations and, once at least `floor` are done, at most `seconds`."""

    count: int
    seconds: float
    floor: int = 5


async def measure(op: Callable[[int], Awaitable[Any]], budget: Budget) -> Measurement:
    """Run `op` sequentially within the budget; its latencies and the elapsed time."""
    latencies: list[float] = []
    started = time.perf_counter()
    for i in range(budget.count):
        t0 = time.perf_counter()
        await op(i)
        latencies.append(time.perf_counter() - t0)
        if len(latencies) >= budget.floor and time.perf_counter() - started > budget.seconds:
            break
    return latencies, time.perf_counter() - started


async def stop_task(task: asyncio.Task[Any], stop: asyncio.Event, grace: float = 10.0) -> None:
    """Ask a relay or consumer to stop; cancel it if its current pass outlives `grace` (an unindexed
    store can spend minutes in one relay pass, and the budget must hold)."""
    stop.set()
    try:
        await asyncio.wait_for(asyncio.shield(task), grace)
    except TimeoutError:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class ThingRecorded(DomainEvent):
    event_type: ClassVar[str] = "bench.thing.recorded.v1"
    region: str
    occurred_on: str


class ThingNoted(DomainEvent):
    event_type: ClassVar[str] = "bench.thing.noted.v1"
    note: str


class Thing(AggregateState):
    region: str
    occurred_on: str
    notes: list[str] = []


def _evolve(state: Thing | None, event: DomainEvent) -> Thing:
    if isinstance(event, ThingRecorded):
        return Thing(id="", region=event.region, occurred_on=event.occurred_on)
    assert isinstance(event, ThingNoted) and state is not None
    return state.model_copy(update={"notes": [*state.notes, event.note]})


def thing_type(topic: str) -> AggregateType[Thing]:
    return AggregateType(name="thing", topic=topic, collection="things", state_type=Thing,
                         events=(ThingRecorded, ThingNoted), evolve=_evolve)


def _record(region: str) -> Callable[[Thing | None], list[DomainEvent]]:
    def decide(state: Thing | None) -> list[DomainEvent]:
        return [] if state else [ThingRecorded(region=region, occurred_on="2024-03-02")]
    return decide


def thing_history(i: int) -> tuple[str, Commits]:
    """A seeded thing: recorded, then noted, COMMITS_PER_AGGREGATE commits in all."""
    events: Commits = [[ThingRecorded(region=("mopti", "gao", "kidal")[i % 3], occurred_on="2023-05-17")]]
    events += [[ThingNoted(note=f"note {n}")] for n in range(1, COMMITS_PER_AGGREGATE)]
    return f"thing-{uuid.uuid5(uuid.NAMESPACE_URL, str(i))}", events


def kit_settings(bootstrap: str, mongo_url: str, db: str, **extra: Any) -> BaseServiceSettings:
    return BaseServiceSettings(service_name="bench", kafka_bootstrap=bootstrap, mongo_url=mongo_url, mongo_db=db,
                               **extra)


async def seed_things(core: Core, start: int, stop: int) -> int:
    """Grow the bench aggregate to `stop` things (their projections and COMMITS_PER_AGGREGATE commits each)."""
    agg = thing_type("bench.things")
    seeded = await seed_aggregates(core.store, agg, stop - start, lambda i: thing_history(start + i))
    return seeded.commits


async def bench_command_path(core: Core, bootstrap: str, budget: Budget,
                             meter: CpuMeter) -> tuple[Measurement, Measurement, dict[str, float]]:
    """Sequential commands while the relay runs: stored latency, publish latency seen by a reader, and
    the CPU per command from the first command until the relay has published the last (the relay's work
    included; the topic's creation and the reader that checks the records are not)."""
    topic = f"bench.kit.{uuid.uuid4().hex[:8]}"
    await ensure_topics(bootstrap, [topic], partitions=3)
    agg = thing_type(topic)
    producer = idempotent_producer(bootstrap, client_id="bench-relay")
    await producer.start()
    stop = asyncio.Event()
    # Not woken by the commits: it finds them by polling, as a worker's relay finds an API process's commits.
    relay = asyncio.create_task(OutboxRelay(core.db, producer).run(stop))
    try:
        before = meter.snapshot()
        # A new aggregate under a minted id, as the services' create commands declare (creates=True).
        stored = await measure(lambda _: core.store.execute(
            agg, str(uuid.uuid4()), _record("mopti"), context=CommandContext(actor="bench"), creates=True), budget)
        started = time.perf_counter() - stored[1]
        while await _outbox_busy(core) and time.perf_counter() - started < budget.seconds * 3:
            await asyncio.sleep(0.05)
        published_elapsed = time.perf_counter() - started
        cpu = meter.per_op(before, meter.snapshot(), len(stored[0]))
    finally:
        await stop_task(relay, stop)
        await producer.stop()
    records = await read_topic(bootstrap, topic, expected=len(stored[0]), timeout=60)
    lag = [r.timestamp / 1000 - _header_time(r) for r in records]
    return stored, (lag, published_elapsed), cpu


async def _outbox_busy(core: Core) -> bool:
    """Is any commit still pending? One document at most is read (counting would read them all)."""
    return await core.db.events.find_one({OUTBOX_FIELD: PENDING}, {"_id": 1}) is not None


async def forget_pending(core: Core) -> None:
    """Unmark pending commits nobody will publish here, so the next measurement starts with none."""
    await core.db.events.update_many({OUTBOX_FIELD: PENDING}, {"$unset": {OUTBOX_FIELD: ""}})


def _header_time(record: Any) -> float:
    value = dict(record.headers)["ce_time"].decode().replace("Z", "+00:00")
    return datetime.fromisoformat(value).timestamp()


async def bench_relay_drain(core: Core, bootstrap: str, backlog: int, seconds: float) -> Measurement:
    """A backlog of pending commits (one event each), drained by one relay: per-event time and elapsed."""
    topic = f"bench.drain.{uuid.uuid4().hex[:8]}"
    await ensure_topics(bootstrap, [topic], partitions=3)
    agg = thing_type(topic)
    ids = [f"drain-{uuid.uuid4()}" for _ in range(backlog)]
    commits = outbox_backlog(core.store, agg, ids, lambda i: ThingRecorded(region="gao", occurred_on="2024-01-01"))
    await bulk_insert(core.store.events, commits)
    producer = idempotent_producer(bootstrap, client_id="bench-drain")
    await producer.start()
    stop = asyncio.Event()
    started = time.perf_counter()
    relay = asyncio.create_task(OutboxRelay(core.db, producer).run(stop))
    try:
        while await _outbox_busy(core) and time.perf_counter() - started < seconds:
            await asyncio.sleep(0.1)
    finally:
        elapsed = time.perf_counter() - started
        await stop_task(relay, stop)
        await producer.stop()
    drained = backlog - await core.db.events.count_documents({OUTBOX_FIELD: PENDING})
    await forget_pending(core)  # what the budget left undrained
    return [elapsed / max(drained, 1)] * drained, elapsed


async def bench_consumer_path(core: Core, bootstrap: str, budget: Budget,
                              meter: CpuMeter) -> tuple[Measurement, dict[str, float]]:
    """The consumer runner with an idempotent store effect per event (the usual consume path), and its
    CPU per event from the first event handled to the last (producing the input and joining the group
    are not the consumer's per-event cost)."""
    topic = f"bench.consume.{uuid.uuid4().hex[:8]}"
    await ensure_topics(bootstrap, [topic], partitions=3)
    agg = thing_type(f"{topic}.out")
    producer = idempotent_producer(bootstrap, client_id="bench-consume")
    await producer.start()
    for _ in range(budget.count):
        env = Envelope(id=str(uuid.uuid4()), source="/redress/bench", type="bench.thing.recorded.v1",
                       subject=f"thing-{uuid.uuid4()}", time=utcnow(),
                       data={"region": "mopti", "occurred_on": "2024-03-02"})
        await producer.send(topic, env.value(), key=env.key(), headers=env.headers())
    await producer.flush()
    latencies: list[float] = []
    window: list[Snapshot] = []

    async def apply(event: ConsumedEvent, deps: object) -> None:
        t0 = time.perf_counter()
        await core.store.execute(agg, event.envelope.subject, _record(event.data["region"]),
                                 context=CommandContext(actor="bench", causation_id=event.id),
                                 idempotency_key=event.effect_key("apply"), creates=True)
        latencies.append(time.perf_counter() - t0)
        if len(latencies) == 1:
            window.append(meter.snapshot())

    runner = ConsumerRunner(bootstrap=bootstrap, group_id=f"bench.{uuid.uuid4().hex[:6]}", topics=[topic],
                            subscriptions={"bench.thing.recorded.v1": [apply]}, deps=None, dlq_producer=producer)
    stop = asyncio.Event()
    started = time.perf_counter()
    task = asyncio.create_task(runner.run(stop))
    while len(latencies) < budget.count and (len(latencies) < budget.floor
                                             or time.perf_counter() - started < budget.seconds):
        await asyncio.sleep(0.01)
    elapsed = time.perf_counter() - started
    cpu = meter.per_op(window[0], meter.snapshot(), len(latencies) - 1) if window else {}
    await stop_task(task, stop)
    await producer.stop()
    await forget_pending(core)  # nobody publishes the effects' events here
    return (latencies, elapsed), cpu


class _ThingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    region: str
    occurred_on: str


def kit_http_app(core: Core, settings: BaseServiceSettings) -> tuple[Any, dict[str, str]]:
    """A kit app with one POST command (input guard, JWT verification, problem handlers, the event store),
    and the headers of a caller allowed to send it."""
    keys = Path(tempfile.mkdtemp()) / "keys"
    private, jwks = ensure_dev_keypair(keys)
    settings = settings.model_copy(update={"auth_jwks_file": jwks})
    agg = thing_type(f"bench.http.{uuid.uuid4().hex[:8]}")
    router = APIRouter()

    @router.post("/things", status_code=201)
    async def create(body: _ThingCreate,
                     principal: Annotated[Principal, Depends(require(roles={"monitor"}))]) -> dict[str, str]:
        thing_id = str(uuid.uuid4())
        await core.store.execute(agg, thing_id, _record(body.region), context=CommandContext(actor=principal.subject),
                                 creates=True)
        return {"id": thing_id}

    app = service_app(core=core, deps=None, verifier=token_verifier(settings), title="bench", description="bench",
                      routers=[router])
    token = mint_token(private, subject="bench", roles=["monitor"], org="org-bench")
    return app, {"Authorization": f"Bearer {token}"}
