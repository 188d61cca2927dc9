"""The kit's HTTP command against a bare FastAPI endpoint doing one insert, in alternating rounds.

    uv run python bench/ab_http.py [--tiers 0,50000] [--rounds 6] [--count 400]
Both apps run in one process against one store, round after round (bare, kit, bare, kit...: the rounds
of bench/http_rounds.py, which bench/run.py sums), at each size of the store (the bench aggregate seeded
as bench/run.py seeds it), and every round's ratio is kept: the spread between rounds is the machine's.
Writes bench/results/ab-http-latest.json; loopback only; the database is dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cpu import CpuMeter
from http_rounds import alternate, ratios
from paths import forget_pending, kit_settings, seed_things
from servicekit.service import build_core

RESULTS = Path(__file__).resolve().parent / "results"


def per_request(r: dict[str, float], count: int) -> dict[str, float]:
    return {"wall_ms": round(r["wall_s"] * 1000 / count, 3),
            "cpu_ms": round((r["bench_s"] + r.get("store_s", 0.0)) * 1000 / count, 3)}


async def tier(core: Any, meter: CpuMeter, rounds: int, count: int) -> dict[str, Any]:
    bare, kit = await alternate(core, core.db["bare_http"], meter, rounds=rounds, count=count)
    await forget_pending(core)  # no relay here: the bare endpoint publishes nothing either
    measured: list[dict[str, Any]] = [
        {"bare": per_request(b, count), "kit": per_request(k, count)} | ratios(b, k)
        for b, k in zip(bare.rounds, kit.rounds, strict=True)]
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
