"""The kit's HTTP command against a bare FastAPI endpoint doing one insert, in alternating rounds.

    uv run python bench/ab_http.py [--tiers 0,50000] [--rounds 6] [--count 400]
bench/run.py measures the bare endpoint and the kit's command minutes apart, so a shared machine's load
can move one and not the other. Here both apps run in one process against one store, round after round
(bare, kit, bare, kit...), at each size of the store (the bench aggregate seeded as bench/run.py seeds
it), and every round gives its own ratio: the spread between rounds is the machine's. Writes
bench/results/ab-http-latest.json; loopback only; the database is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cpu import CpuMeter
from paths import forget_pending, kit_http_app, kit_settings, seed_things
from roofline import bare_http_app
from servicekit.service import build_core

RESULTS = Path(__file__).resolve().parent / "results"
BODY = {"region": "mopti", "occurred_on": "2024-03-02"}


async def round_of(meter: CpuMeter, count: int, post: Callable[[], Awaitable[None]]) -> dict[str, float]:
    """`count` sequential POSTs: wall ms and CPU ms (store + this process) per request."""
    before, started = meter.snapshot(), time.perf_counter()
    for _ in range(count):
        await post()
    cpu = meter.per_op(before, meter.snapshot(), count)
    return {"wall_ms": round((time.perf_counter() - started) * 1000 / count, 3),
            "cpu_ms": round(cpu["bench_cpu_ms_per_op"] + cpu.get("store_cpu_ms_per_op", 0.0), 3)}


async def tier(core: Any, meter: CpuMeter, rounds: int, count: int) -> dict[str, Any]:
    kit_app, headers = kit_http_app(core, core.settings)
    bare = bare_http_app(core.db["bare_http"])
    transport = httpx.ASGITransport
    async with httpx.AsyncClient(transport=transport(app=kit_app), base_url="http://bench") as kit, \
            httpx.AsyncClient(transport=transport(app=bare), base_url="http://bench") as plain:
        async def post_kit() -> None:
            assert (await kit.post("/things", json=BODY, headers=headers)).status_code == 201

        async def post_bare() -> None:
            assert (await plain.post("/things", json=BODY)).status_code == 201

        await round_of(meter, 50, post_bare)  # warm both paths (imports, caches, connections)
        await round_of(meter, 50, post_kit)
        measured = []
        for _ in range(rounds):
            b, k = await round_of(meter, count, post_bare), await round_of(meter, count, post_kit)
            measured.append({"bare": b, "kit": k, "wall_ratio": round(b["wall_ms"] / k["wall_ms"], 3),
                             "cpu_ratio": round(b["cpu_ms"] / k["cpu_ms"], 3)})
    await forget_pending(core)  # no relay here: the bare endpoint publishes nothing either
    return {"rounds": measured, "load": round(os.getloadavg()[0], 1),
            "median_wall_ratio": statistics.median(r["wall_ratio"] for r in measured),
            "median_cpu_ratio": statistics.median(r["cpu_ratio"] for r in measured)}


async def main(args: argparse.Namespace) -> None:
    mongo_url = os.environ.get("REDRESS_MONGO_URL", "mongodb://127.0.0.1:27117/")
    bootstrap = os.environ.get("REDRESS_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
    meter = CpuMeter(mongo_url)
    core = build_core(kit_settings(bootstrap, mongo_url, f"bench_abhttp_{uuid.uuid4().hex[:8]}"))
    results: dict[str, Any] = {"started_at": datetime.now(UTC).isoformat(), "count": args.count,
                               "rounds": args.rounds, "tiers": {}}
    seeded = 0
    try:
        for size in (int(t) for t in args.tiers.split(",")):
            if size > seeded:
                print(f"seeding to {size}...", flush=True)
                await seed_things(core, seeded, size)
                seeded = size
            results["tiers"][str(size)] = measured = await tier(core, meter, args.rounds, args.count)
            print(json.dumps({"tier": size, "median_wall_ratio": measured["median_wall_ratio"],
                              "median_cpu_ratio": measured["median_cpu_ratio"],
                              "cpu_ratios": [r["cpu_ratio"] for r in measured["rounds"]]}), flush=True)
    finally:
        await core.client.drop_database(core.db.name)
        await core.client.close()
    (RESULTS / "ab-http-latest.json").write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", default="0,50000")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--count", type=int, default=400)
    asyncio.run(main(parser.parse_args()))
