"""The store alone, at growing sizes: `_id` find, replace and delete, insert, and intake's listing.

    uv run python bench/store_ops.py [--sizes 1000,10000,50000] [--label "SQLite, patched"]
Used to compare candidate local stores (FerretDB on SQLite or PostgreSQL, as built or patched) on the
operations the kit's hot paths and the listings issue, with the FerretDB process's CPU per operation
(for the PostgreSQL backend, PostgreSQL's own CPU is not counted). Seeds incident projections built by intake's
domain code into one collection; prints one JSON line per size and writes bench/results/store-ops-*.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import domains
from cpu import CpuMeter
from intake.domain.incident import INCIDENT
from listings import intake_shapes
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from seed import bulk_insert, history
from servicekit.eventstore import CommandContext, EventStore

RESULTS = Path(__file__).resolve().parent / "results"
METER = CpuMeter(os.environ.get("REDRESS_MONGO_URL", "mongodb://127.0.0.1:27117/"))


def percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {"count": len(ordered), "p50_ms": round(statistics.median(ordered) * 1000, 3),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 3)}


async def timed(op: Callable[[int], Awaitable[Any]], count: int, seconds: float) -> dict[str, float]:
    """Latencies of `op` within the budget, and the store's CPU per operation (PostgreSQL's not included)."""
    latencies: list[float] = []
    before = METER.snapshot()
    started = time.perf_counter()
    for i in range(count):
        t0 = time.perf_counter()
        await op(i)
        latencies.append(time.perf_counter() - t0)
        if len(latencies) >= 5 and time.perf_counter() - started > seconds:
            break
    return percentiles(latencies) | METER.per_op(before, METER.snapshot(), len(latencies))


async def grow(store: EventStore, start: int, stop: int) -> list[str]:
    """Incident projections start..stop, as intake stores them."""
    docs, ids = [], []
    for i in range(start, stop):
        incident_id, commits = domains.incident(i)
        projection = history(store, INCIDENT, incident_id, commits, CommandContext(actor="bench-seed"))[1]
        assert projection is not None
        docs.append(projection)
        ids.append(incident_id)
    await bulk_insert(store.db[INCIDENT.collection], docs)
    return ids


async def measure_size(collection: AsyncCollection[Any], ids: list[str], seconds: float) -> dict[str, Any]:
    rng = random.Random(len(ids))
    picks = [rng.choice(ids) for _ in range(200)]
    template = await collection.find_one({"_id": picks[0]})
    assert template is not None
    out: dict[str, Any] = {}
    out["insert"] = await timed(lambda i: collection.insert_one({**template, "_id": f"new-{uuid.uuid4()}"}),
                                100, seconds)
    out["find_by_id"] = await timed(lambda i: collection.find_one({"_id": picks[i]}), 200, seconds)
    out["replace_by_id"] = await timed(lambda i: collection.replace_one({"_id": picks[i]}, {**template,
                                                                                         "_id": picks[i]}),
                                       200, seconds)

    async def delete_and_restore(i: int) -> None:
        await collection.delete_one({"_id": picks[i]})
        await collection.insert_one({**template, "_id": picks[i]})

    out["delete_by_id_and_reinsert"] = await timed(delete_and_restore, 100, seconds)
    out["find_by_ids_in_50"] = await timed(lambda i: collection.find({"_id": {"$in": picks[:50]}}).to_list(),
                                           50, seconds)
    shapes = intake_shapes(collection.database)
    latencies: dict[str, list[float]] = {}
    before = METER.snapshot()
    started = time.perf_counter()
    for i in range(60):
        name, query = shapes[i % len(shapes)]
        t0 = time.perf_counter()
        await query()
        latencies.setdefault(name, []).append(time.perf_counter() - t0)
        if i >= len(shapes) and time.perf_counter() - started > seconds:
            break
    every = [x for v in latencies.values() for x in v]
    out["intake_listing"] = percentiles(every) | METER.per_op(before, METER.snapshot(), len(every))
    out["intake_listing_by_shape_p50_ms"] = {k: percentiles(v)["p50_ms"] for k, v in latencies.items()}
    return out


async def main(args: argparse.Namespace) -> None:
    url = os.environ.get("REDRESS_MONGO_URL", "mongodb://127.0.0.1:27117/")
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(url, tz_aware=True)
    name = f"bench_store_{uuid.uuid4().hex[:8]}"
    store = EventStore(client[name], source="/redress/intake")
    results: dict[str, Any] = {"label": args.label, "url": url, "started_at": datetime.now(UTC).isoformat(),
                               "sizes": {}}
    ids: list[str] = []
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            t0 = time.perf_counter()
            ids += await grow(store, len(ids), size)
            seeded = round(time.perf_counter() - t0, 1)
            results["sizes"][str(size)] = {"seeding_s": seeded,
                                           **await measure_size(store.db[INCIDENT.collection], ids, args.seconds)}
            print(json.dumps({"size": size, **results["sizes"][str(size)]}), flush=True)
    finally:
        await client.drop_database(name)
        await client.close()
    RESULTS.mkdir(exist_ok=True)
    slug = "".join(c if c.isalnum() else "-" for c in args.label.lower()).strip("-")
    (RESULTS / f"store-ops-{slug}.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--label", default="store")
    parser.add_argument("--seconds", type=float, default=10.0, help="time budget of each measurement")
    asyncio.run(main(parser.parse_args()))
