"""Advocacy's indicators at 0, 10k and 50k incidents: the full fold of every fact (the path before the read
model), the read model's first question (it reads the generation whole), the read the API's start-up task does
instead (and the longest pause of the event loop meanwhile), the first question after it, the marks read by
each way of learning where the partitions were read up to, the same question again, another question, and a
question after a few new facts (recorded as the live consumer records them).

    uv run python bench/run.py --only advocacy_indicators [--quick] [--tiers 0,10000,50000]
Writes bench/results/advocacy-<UTC timestamp>.json and bench/results/advocacy-latest.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

import domains
from advocacy import figures
from advocacy.domain import published
from advocacy.domain.rows import Period
from advocacy.projections import KINDS, CurrentFacts, ReadModel
from advocacy.projections.generations import MARKS, collection_name
from advocacy.projections.readmodel import high_waters
from advocacy.projections.recorders import project_incident_documented
from aiokafka import AIOKafkaConsumer, TopicPartition
from cpu import CpuMeter
from listings import Advocacy
from run import RESULTS, machine, store_info, summary
from servicekit.consumer import ConsumedEvent
from servicekit.envelope import Envelope, utcnow
from servicekit.kafka import idempotent_producer

NEW_FACTS = 5  # facts recorded before each "after new facts" question
FRESH_BASE = 10**7  # incident numbers of the new facts, apart from the seeded ones


async def full_fold(advocacy: Advocacy) -> dict[str, Any]:
    """Every indicator as each request computed them before the read model: every record read and folded."""
    deps = advocacy.deps
    log = await deps.projections.live()
    facts = CurrentFacts(**{kind: await log.folded(kind) for kind in KINDS})
    inputs = published.Inputs(facts=facts, period=Period(None, None), verified_only=False, k=deps.suppression_k)
    return published.publish(inputs)


class Fresh:
    """New incidents published on the broker and recorded by advocacy's own recorder, as its live consumer does."""

    def __init__(self, advocacy: Advocacy) -> None:
        self.advocacy, self.next = advocacy, FRESH_BASE
        self.topic = advocacy.namespace + "intake.incidents"

    async def add(self, count: int) -> None:
        consumer = AIOKafkaConsumer(bootstrap_servers=self.advocacy.bootstrap, group_id=None,
                                    enable_auto_commit=False)
        await consumer.start()
        try:
            partitions = [TopicPartition(self.topic, p) for p in sorted(consumer.partitions_for_topic(self.topic)
                                                                           or await self._partitions(consumer))]
            consumer.assign(partitions)
            ends = await consumer.end_offsets(partitions)
            for tp, end in ends.items():
                consumer.seek(tp, end)
            await self._publish(count)
            await self._record(consumer, count)
        finally:
            await consumer.stop()

    async def _partitions(self, consumer: AIOKafkaConsumer) -> set[int]:
        await consumer._client.force_metadata_update()
        return consumer.partitions_for_topic(self.topic) or set()

    async def _publish(self, count: int) -> None:
        producer = idempotent_producer(self.advocacy.bootstrap, client_id="bench-intake-fresh")
        await producer.start()
        try:
            for i in range(self.next, self.next + count):
                event = domains.documented(i % 50_000)
                envelope = Envelope(id=str(uuid.uuid4()), source="/redress/intake", type=event.event_type,
                                    subject=domains.stable_id("incident", i), time=utcnow(),
                                    data=event.model_dump(mode="json"))
                await producer.send(self.topic, envelope.value(), key=envelope.key(), headers=envelope.headers())
            await producer.flush()
        finally:
            await producer.stop()
        self.next += count

    async def _record(self, consumer: AIOKafkaConsumer, count: int) -> None:
        recorded, deadline = 0, time.monotonic() + 60
        while recorded < count and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for r in records:
                    envelope = Envelope.from_record(r.key, r.value, r.headers)
                    event = ConsumedEvent(envelope, r.topic, r.partition, r.offset)
                    await project_incident_documented(event, self.advocacy.deps)
                    recorded += 1
        assert recorded == count, f"recorded {recorded} of {count} new facts"


async def costed(cpu: CpuMeter, ops: list[Callable[[], Awaitable[Any]]],
                 before_each: Callable[[], Awaitable[Any]] | None = None) -> dict[str, Any]:
    """Wall and CPU per operation of `ops`, run one after the other; `before_each` is neither timed nor costed."""
    latencies: list[float] = []
    bench_s = store_s = 0.0
    for op in ops:
        if before_each is not None:
            await before_each()
        b = cpu.snapshot()
        t0 = time.perf_counter()
        await op()
        latencies.append(time.perf_counter() - t0)
        a = cpu.snapshot()
        bench_s += a.bench_s - b.bench_s
        store_s += (a.store_s or 0.0) - (b.store_s or 0.0)
    n = max(len(latencies), 1)
    return summary(latencies, sum(latencies)) | {"bench_cpu_ms_per_op": round(bench_s * 1000 / n, 2),
                                                 "store_cpu_ms_per_op": round(store_s * 1000 / n, 2)}


async def every_mark_id(advocacy: Advocacy) -> int:
    """Where each partition was read up to, as the cold read learnt it before: every mark's `_id`, in order."""
    log = await advocacy.deps.projections.live()
    marks = log.db[collection_name(log.generation, MARKS)]
    return len([mark async for mark in marks.find({}, {"_id": 1}).sort("_id", 1)])


async def last_marks(advocacy: Advocacy) -> int:
    """The same as the cold read learns it now: each partition's last mark (`high_waters`)."""
    log = await advocacy.deps.projections.live()
    return len(await high_waters(log.db, log.generation))


async def warm_up(advocacy: Advocacy, steps: list[tuple[float, float]]) -> None:
    """The API's start-up read on a fresh read model, beside a ticker that wakes every 5 ms as a loop answering
    probes would: how late it woke (wall: the machine's load counts) and the CPU this process spent between two
    wakes (the longest step the read model took without giving the loop a turn), the longest of each."""
    done = asyncio.Event()

    async def ticker() -> None:
        late = busy = 0.0
        wall, cpu = time.perf_counter(), time.process_time()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now_wall, now_cpu = time.perf_counter(), time.process_time()
            late, busy = max(late, now_wall - wall - 0.005), max(busy, now_cpu - cpu)
            wall, cpu = now_wall, now_cpu
        steps.append((late, busy))

    ticking = asyncio.create_task(ticker())
    await ReadModel(advocacy.deps.projections).warm()
    done.set()
    await ticking


async def first_after_start(advocacy: Advocacy) -> Callable[[], Awaitable[Any]]:
    """A fresh read model warmed as the API's start-up task warms it, the dashboard's question answered ahead
    (neither timed); then the dashboard's first question (timed)."""
    deps = replace(advocacy.deps, read_model=ReadModel(advocacy.deps.projections))
    await deps.read_model.warm()
    await figures.snapshot(deps)
    return lambda: figures.snapshot(deps)


async def measure_start(advocacy: Advocacy, cpu: CpuMeter, few: int) -> dict[str, Any]:
    """What a start costs: the marks walked, the start-up task's read, and the first question after it."""
    r: dict[str, Any] = {}
    r["advocacy_indicators_every_mark_id"] = await costed(cpu, [lambda: every_mark_id(advocacy)] * few)
    r["advocacy_indicators_last_marks"] = await costed(cpu, [lambda: last_marks(advocacy)] * few)
    steps: list[tuple[float, float]] = []
    r["advocacy_indicators_warm_up"] = await costed(cpu, [lambda: warm_up(advocacy, steps)] * few)
    r["advocacy_indicators_warm_up"]["loop_late_max_ms"] = round(max(late for late, _ in steps) * 1000, 1)
    r["advocacy_indicators_warm_up"]["loop_step_cpu_max_ms"] = round(max(busy for _, busy in steps) * 1000, 1)
    firsts = [await first_after_start(advocacy) for _ in range(few)]
    r["advocacy_indicators_first_after_start"] = await costed(cpu, firsts)
    return r


async def measure_tier(advocacy: Advocacy, cpu: CpuMeter, quick: bool) -> dict[str, Any]:
    """Every indicators measurement on the generation the last rebuild made live."""
    deps, fresh = advocacy.deps, Fresh(advocacy)
    few, many = (2, 10) if quick else (3, 30)
    r: dict[str, Any] = {}
    r["advocacy_indicators_full_fold"] = await costed(cpu, [lambda: full_fold(advocacy)] * few)
    r["advocacy_indicators_cold"] = await costed(cpu, [
        lambda: figures.snapshot(replace(deps, read_model=ReadModel(deps.projections))) for _ in range(few)])
    r |= await measure_start(advocacy, cpu, few)
    await figures.snapshot(deps)  # this process's read model now holds the generation and the question
    r["advocacy_indicators_warm"] = await costed(cpu, [lambda: figures.snapshot(deps)] * many)
    r["advocacy_indicators_other_question"] = await costed(cpu, [
        partial(figures.snapshot, deps, period_start=date(2000 + n, 1, 1)) for n in range(few + 2)])
    r["advocacy_indicators_new_facts"] = await costed(cpu, [lambda: figures.snapshot(deps)] * (few + 2),
                                                      before_each=lambda: fresh.add(NEW_FACTS))
    r["advocacy_indicators_warm_after"] = await costed(cpu, [lambda: figures.snapshot(deps)] * many)
    return r


async def run_indicators(bootstrap: str, mongo_url: str, tiers: list[int], quick: bool) -> dict[str, Any]:
    """Grow advocacy's incidents tier by tier (published, then rebuilt by replay) and measure each tier."""
    advocacy = await Advocacy.start(bootstrap, mongo_url, f"bench_indicators_{uuid.uuid4().hex[:8]}")
    cpu, seeded = CpuMeter(mongo_url), 0
    results: dict[str, Any] = {"started_at": datetime.now(UTC).isoformat(), "machine": machine(),
                               "store": await store_info(mongo_url), "tiers": {}}
    try:
        for tier in tiers:
            print(f"tier {tier}: publishing and rebuilding...", flush=True)
            await advocacy.grow(seeded, tier)
            seeded = tier
            replayed, seconds = await advocacy.rebuild(timeout=900)
            print(f"tier {tier}: measuring...", flush=True)
            results["tiers"][str(tier)] = {"rebuild": {"replayed": replayed, "seconds": round(seconds, 1)},
                                           **await measure_tier(advocacy, cpu, quick),
                                           "load_average": round(os.getloadavg()[0], 1)}
            print(json.dumps({"tier": tier, **{k: v["p50_ms"] for k, v in results["tiers"][str(tier)].items()
                                               if isinstance(v, dict) and "p50_ms" in v}}), flush=True)
    finally:
        await advocacy.deps.core.client.drop_database(advocacy.deps.core.settings.mongo_db)
        await advocacy.deps.core.client.close()
    results["machine"]["load_average_at_end"] = round(os.getloadavg()[0], 1)
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(results, indent=2) + "\n"
    stamp = results["started_at"][:19].replace("-", "").replace(":", "") + "Z"
    (RESULTS / f"advocacy-{stamp}.json").write_text(text)
    (RESULTS / "advocacy-latest.json").write_text(text)
    return results
