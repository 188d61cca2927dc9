"""Intake's and casework's listing shapes against two stores serving the same SQLite data, query by query in turn.

    uv run python bench/ab_listings.py URL_A URL_B DB [--rounds 20]    # writes bench/results/ab-listings-latest.json
    uv run python bench/ab_listings.py URL_A URL_B DB --seed 50000     # first seed DB through URL_A (kept)

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

from casework.indexes import INDEXES as CASEWORK_INDEXES
from cpu import CpuMeter
from intake.indexes import INDEXES as INTAKE_INDEXES
from listings import Shapes, casework_shapes, intake_shapes, seed_casework, seed_intake
from pymongo import AsyncMongoClient
from servicekit.indexes import ensure_indexes


def every_shape(client: AsyncMongoClient[Any], db: str) -> Shapes:
    """Intake's incident pages, casework's inbox and "my cases", each shape named by its listing."""
    inbox, cases = casework_shapes(client[f"{db}_casework"])
    return ([(f"intake: {name}", query) for name, query in intake_shapes(client[f"{db}_intake"])]
            + [(f"casework inbox: {name}", query) for name, query in inbox]
            + [(f"casework \"my cases\": {name}", query) for name, query in cases])


async def seed(client: AsyncMongoClient[Any], db: str, size: int) -> None:
    """Intake's incidents and casework's referrals and cases, `size` of each, with the services' indexes."""
    await ensure_indexes(client[f"{db}_intake"], INTAKE_INDEXES)
    await ensure_indexes(client[f"{db}_casework"], CASEWORK_INDEXES)
    await seed_intake(client[f"{db}_intake"], 0, size)
    await seed_casework(client[f"{db}_casework"], 0, size)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    clients: list[AsyncMongoClient[Any]] = [AsyncMongoClient(url) for url in (args.url_a, args.url_b)]
    if args.seed:
        await seed(clients[0], args.db, args.seed)
    meters = [CpuMeter(url) for url in (args.url_a, args.url_b)]
    shapes = [dict(every_shape(c, args.db)) for c in clients]
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
    parser.add_argument("--seed", type=int, default=0, help="first seed DB_intake and DB_casework to this size")
    text = json.dumps(asyncio.run(main(parser.parse_args())), indent=2)
    (Path(__file__).resolve().parent / "results" / "ab-listings-latest.json").write_text(text + "\n")
    print(text)
