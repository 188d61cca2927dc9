"""Where a kit command's CPU goes, at each size of the store: Python functions and the store's round trips.

    uv run python bench/kit_profile.py --tiers 0,0,50000 --count 1000 [--profile]
Seeds the bench aggregate (4 commits each) to each tier, then measures, each bounded in count:
each store round trip of a command alone (projection read, commit insert, projection write) and a bare
insert, with the store's CPU per operation from /proc; then whole commands (no relay) under cProfile.
Prints JSON (and the top functions with --profile) and writes bench/results/kit-profile-latest.json, which
bench/report.py renders. Loopback only; the database is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cpu import CpuMeter
from paths import ThingRecorded, _record, kit_settings, seed_things, stop_task, thing_type
from servicekit.commits import OUTBOX_FIELD, PENDING, CommitHeader, commit_document
from servicekit.eventstore import GENESIS_HASH, CommandContext
from servicekit.indexes import ensure_indexes
from servicekit.kafka import ensure_topics, idempotent_producer
from servicekit.projections import Loaded, projection_write, save_projection
from servicekit.relay import OutboxRelay
from servicekit.service import Core, build_core

CTX = CommandContext(actor="bench")
RESULTS = Path(__file__).resolve().parent / "results"


async def costed(meter: CpuMeter, count: int, op: Callable[[int], Awaitable[Any]]) -> dict[str, float]:
    """Store and bench CPU ms per operation, and wall ms per operation, of `count` sequential calls."""
    before, started = meter.snapshot(), time.perf_counter()
    for i in range(count):
        await op(i)
    out = meter.per_op(before, meter.snapshot(), count)
    return out | {"wall_ms_per_op": round((time.perf_counter() - started) * 1000 / count, 2)}


async def round_trips(core: Core, meter: CpuMeter, count: int) -> dict[str, Any]:
    """Each round trip of a command on a new aggregate, measured alone, and a bare insert."""
    agg, run = thing_type("bench.profile"), uuid.uuid4().hex[:8]
    ids = [f"thing-{run}-{i}" for i in range(count)]
    state = agg.fold(ids[0], None, [ThingRecorded(region="mopti", occurred_on="2024-03-02")])
    assert state is not None

    def commit(i: int) -> dict[str, Any]:
        header = CommitHeader(ids[i], agg.name, 1, GENESIS_HASH, agg.topic, core.store.source)
        doc = commit_document(header, [ThingRecorded(region="mopti", occurred_on="2024-03-02")],
                              [str(uuid.uuid4())], CTX, None)
        del doc[OUTBOX_FIELD]  # not for the relay measured next: its topic does not exist
        return doc

    def saved(i: int) -> Loaded[Any]:
        return Loaded(state=state.model_copy(update={"id": ids[i]}), version=1, last_hash="0" * 64, keys=())

    things = core.db[agg.collection]
    return {
        "bare_insert": await costed(meter, count, lambda i: things.insert_one(
            {"_id": f"bare-{run}-{i}:{1:010d}", "region": "mopti", "version": 1,
             "events": [{"type": "x", "data": {"a": i}}]})),
        "projection_read_missing": await costed(meter, count, lambda i: things.find_one({"_id": ids[i]})),
        "commit_insert": await costed(meter, count, lambda i: core.store.events.insert_one(commit(i))),
        "projection_upsert": await costed(meter, count, lambda i: save_projection(core.db, agg, ids[i], saved(i))),
        "commit_and_projection": await costed(meter, count, lambda i: core.store.bulk.commit_and_project(
            commit(i) | {"_id": f"bulk-{run}-{i}:{1:010d}"}, agg.collection,
            projection_write(agg, f"bulk-{run}-{i}", saved(i)))),
        "projection_read_found": await costed(meter, count, lambda i: things.find_one({"_id": ids[i]})),
        **await relay_trips(core, meter, count, commit),
    }


async def relay_trips(core: Core, meter: CpuMeter, count: int,
                      commit: Callable[[int], dict[str, Any]]) -> dict[str, Any]:
    """A relay pass's two round trips when one commit is pending: read the pending ones, unmark it."""
    events = core.store.events

    def pending() -> Awaitable[list[dict[str, Any]]]:
        return events.find({OUTBOX_FIELD: PENDING}).sort("committed_at", 1).limit(500).to_list()

    marked = [commit(i) | {"_id": f"relay-{uuid.uuid4()}", OUTBOX_FIELD: PENDING} for i in range(count)]
    await events.insert_many(marked)
    await events.update_many({OUTBOX_FIELD: PENDING}, {"$unset": {OUTBOX_FIELD: ""}})
    async def cycle(i: int) -> None:
        await events.update_one({"_id": marked[i]["_id"]}, {"$set": {OUTBOX_FIELD: PENDING}})
        assert len(await pending()) == 1
        await events.update_many({"_id": {"$in": [marked[i]["_id"]]}}, {"$unset": {OUTBOX_FIELD: ""}})

    out = {"relay_read_none_pending": await costed(meter, count, lambda i: pending()),
           "relay_mark_one": await costed(meter, count, lambda i: events.update_one(
               {"_id": marked[i]["_id"]}, {"$set": {OUTBOX_FIELD: PENDING}}))}
    await events.update_many({OUTBOX_FIELD: PENDING}, {"$unset": {OUTBOX_FIELD: ""}})
    return out | {"relay_mark_read_unmark_one": await costed(meter, count, cycle)}


async def with_relay(core: Core, bootstrap: str, meter: CpuMeter, count: int, *, woken: bool) -> dict[str, Any]:
    """Whole commands while a relay publishes them, until all are out: a relay woken by each commit (a
    worker's, for its consumers' effects) or one that polls (as bench/run.py's, or a worker's relay for an
    API process's commits)."""
    topic = f"bench.profile.{uuid.uuid4().hex[:8]}"
    await ensure_topics(bootstrap, [topic], partitions=3)
    agg = thing_type(topic)
    producer = idempotent_producer(bootstrap, client_id="bench-profile")
    await producer.start()
    stop = asyncio.Event()
    wake = core.store.committed if woken else None
    relay = asyncio.create_task(OutboxRelay(core.db, producer, wake=wake).run(stop))
    try:
        before = meter.snapshot()
        for _ in range(count):
            await core.store.execute(agg, str(uuid.uuid4()), _record("mopti"), context=CTX, creates=True)
        while await core.db.events.find_one({OUTBOX_FIELD: PENDING}, {"_id": 1}):
            await asyncio.sleep(0.01)
        return meter.per_op(before, meter.snapshot(), count)
    finally:
        await stop_task(relay, stop)
        await producer.stop()


async def commands(core: Core, meter: CpuMeter, count: int, profile: bool) -> tuple[dict[str, Any], str]:
    """Whole commands on new aggregates, no relay, optionally under cProfile."""
    agg = thing_type("bench.profile.cmd")
    profiler = cProfile.Profile(time.process_time) if profile else None
    if profiler:
        profiler.enable()
    result = await costed(meter, count, lambda _: core.store.execute(
        agg, str(uuid.uuid4()), _record("mopti"), context=CTX, creates=True))
    text = ""
    if profiler:
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumtime").print_stats("servicekit|pydantic|json|hashlib", 30)
        text = out.getvalue()
    return result, text


async def main(args: argparse.Namespace) -> None:
    bootstrap = os.environ.get("REDRESS_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
    mongo_url = os.environ.get("REDRESS_MONGO_URL", "mongodb://127.0.0.1:27117/")
    core = build_core(kit_settings(bootstrap, mongo_url, f"bench_profile_{uuid.uuid4().hex[:8]}"))
    meter, seeded = CpuMeter(mongo_url), 0
    out: dict[str, Any] = {"tiers": {}}
    started = datetime.now(UTC).isoformat()
    try:
        await ensure_indexes(core.db, ())
        for tier in (int(t) for t in args.tiers.split(",")):
            await seed_things(core, seeded, tier)
            seeded = tier
            trips: dict[str, Any] = {}
            measured: dict[str, Any] = {}
            text = ""
            if not args.only_relay:
                trips = await round_trips(core, meter, args.count)
                measured, text = await commands(core, meter, args.count, args.profile)
            relayed = await with_relay(core, bootstrap, meter, args.count, woken=True)
            polled = await with_relay(core, bootstrap, meter, args.count, woken=False)
            # A tier given twice is measured twice; the second (warm) figures are kept.
            out["tiers"][str(tier)] = {"round_trips": trips, "command": measured, "command_with_relay": relayed,
                                       "command_with_polling_relay": polled,
                                       "load": round(os.getloadavg()[0], 1)}
            print(json.dumps({str(tier): out["tiers"][str(tier)]}, indent=1), flush=True)
            if text:
                print(text, flush=True)
    finally:
        await core.client.drop_database(core.db.name)
        await core.client.close()
    out["started_at"], out["count"] = started, args.count
    (RESULTS / "kit-profile-latest.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", default="0,50000")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--only-relay", action="store_true", help="skip the round trips and the commands alone")
    asyncio.run(main(parser.parse_args()))
