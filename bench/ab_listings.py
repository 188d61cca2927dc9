"""Intake's listing shapes against two stores serving the same SQLite data, query by query in turn.

    uv run python bench/ab_listings.py URL_A URL_B DB [--rounds 20]    # writes bench/results/ab-listings-latest.json

Both stores (e.g. the build before a patch change and the one after, on other ports, over one data
directory) answer the same seeded database under the same machine load, so their figures compare;
each store's CPU is read from /proc per query. The first query of each shape is reported apart (it may
carry a store's one-time checks). Read-only and bounded: `rounds` queries per shape and store.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cpu import CpuMeter
from listings import intake_shapes
from pymongo import AsyncMongoClient


async def main(args: argparse.Namespace) -> dict[str, Any]:
    clients = [AsyncMongoClient(url) for url in (args.url_a, args.url_b)]
    meters = [CpuMeter(url) for url in (args.url_a, args.url_b)]
    shapes = [dict(intake_shapes(c[args.db])) for c in clients]
    labels = [(await c.admin.command("buildInfo"))["ferretdbVersion"] for c in clients]
    out: dict[str, Any] = {"started_at": datetime.now(UTC).isoformat(), "stores": labels, "rounds": args.rounds,
                           "load_average_at_start": round(os.getloadavg()[0], 1), "shapes": {}}
    first: dict[str, list[float]] = {}
    for name in shapes[0]:  # the first query of a shape may carry a store's one-time checks: kept apart
        first[name] = []
        for k in (0, 1):
            t0 = time.perf_counter()
            await shapes[k][name]()
            first[name].append(round((time.perf_counter() - t0) * 1000, 1))
    out["first_query_ms"] = first
    for name in shapes[0]:
        latencies: list[list[float]] = [[], []]
        cpu = [0.0, 0.0]
        for i in range(args.rounds):
            for k in ((0, 1) if i % 2 == 0 else (1, 0)):  # alternate who goes first
                before, t0 = meters[k].snapshot(), time.perf_counter()
                await shapes[k][name]()
                latencies[k].append(time.perf_counter() - t0)
                cpu[k] += (meters[k].snapshot().store_s or 0.0) - (before.store_s or 0.0)
        out["shapes"][name] = [{"p50_ms": round(statistics.median(lat) * 1000, 1),
                                "p95_ms": round(sorted(lat)[int(0.95 * (len(lat) - 1))] * 1000, 1),
                                "store_cpu_ms": round(cpu[k] * 1000 / len(lat), 1)} for k, lat in enumerate(latencies)]
    for c in clients:
        await c.close()
    out["load_average_at_end"] = round(os.getloadavg()[0], 1)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url_a")
    parser.add_argument("url_b")
    parser.add_argument("db")
    parser.add_argument("--rounds", type=int, default=20)
    text = json.dumps(asyncio.run(main(parser.parse_args())), indent=2)
    (Path(__file__).resolve().parent / "results" / "ab-listings-latest.json").write_text(text + "\n")
    print(text)
