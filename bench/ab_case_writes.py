"""What a case projection's replace costs two stores, in turn: e.g. the build before the elements tables and after.

    uv run python bench/ab_case_writes.py URL_A URL_B [--rounds 1500] [--change-lawyers] [--no-walk]

Each store gets its own scratch database of 20k case-like documents with casework's two "my cases" indexes,
and one lawyer's page first (the build with elements tables makes the table then; --no-walk skips it, to
measure the two builds without it). Then `rounds` replaces by `_id` on each store, in turn, of a random case
(its lawyers changed with --change-lawyers, as an assignment does; else only another field, as a stage
change does). Prints each store's p50 and store CPU per replace (from /proc). Loopback, bounded, and the
scratch databases are dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cpu import CpuMeter
from pymongo import AsyncMongoClient

CASES = 20_000
NEWEST = [("opened_on", -1), ("_id", -1)]


def case(i: int, version: int = 0, change_lawyers: bool = False) -> dict[str, Any]:
    """A case projection's shape: one or two lawyers, an ISO date, a few scalar fields."""
    lawyers = [f"lawyer-{i % 300:03d}", *([f"lawyer-{(i * 7) % 300:03d}"] if i % 3 == 0 else [])]
    if change_lawyers:
        lawyers = [f"lawyer-{(i + version) % 300:03d}", f"lawyer-{(i * 3 + version) % 300:03d}"]
    return {"_id": f"case-{i:06d}", "organisation": f"org-{i % 3}", "status": "open", "victim_ids": [f"v-{i}"],
            "lawyers": lawyers, "opened_on": f"20{18 + i % 8}-{1 + i % 12:02d}-{1 + i % 27:02d}",
            "stage": "complaint", "version": version, "court": "bamako-1", "summary": "x" * 200}


async def scratch(client: AsyncMongoClient[Any], name: str, walk: bool) -> Any:
    await client.drop_database(name)
    db = client[name]
    await db.cases.insert_many([case(i) for i in range(CASES)])
    await db.cases.create_index([("organisation", 1), *NEWEST])
    await db.cases.create_index([("lawyers", 1), *NEWEST])
    if walk:
        await db.cases.find({"lawyers": "lawyer-001"}).sort(NEWEST).limit(5).to_list()
    return db.cases


async def main(args: argparse.Namespace) -> None:
    urls = [args.url_a, args.url_b]
    clients: list[AsyncMongoClient[Any]] = [AsyncMongoClient(u) for u in urls]
    meters = [CpuMeter(u) for u in urls]
    colls = [await scratch(c, f"ab_case_writes_{k}", not args.no_walk) for k, c in enumerate(clients)]
    rng = random.Random(1)
    latencies: list[list[float]] = [[], []]
    cpu = [0.0, 0.0]
    for r in range(args.rounds):
        i = rng.randrange(CASES)
        for k in ((0, 1) if r % 2 == 0 else (1, 0)):  # alternate who goes first
            before, t0 = meters[k].snapshot(), time.perf_counter()
            await colls[k].replace_one({"_id": f"case-{i:06d}"}, case(i, r + 1, args.change_lawyers))
            latencies[k].append(time.perf_counter() - t0)
            cpu[k] += (meters[k].snapshot().store_s or 0.0) - (before.store_s or 0.0)
    for k, url in enumerate(urls):
        print(f"{url}: p50 {statistics.median(latencies[k]) * 1000:.2f} ms, "
              f"store CPU {cpu[k] * 1000 / args.rounds:.3f} ms per replace")
    for k, c in enumerate(clients):
        await c.drop_database(f"ab_case_writes_{k}")
        await c.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url_a")
    parser.add_argument("url_b")
    parser.add_argument("--rounds", type=int, default=1500)
    parser.add_argument("--change-lawyers", action="store_true", help="each replace changes the case's lawyers")
    parser.add_argument("--no-walk", action="store_true", help="no lawyer's page first (no elements table made)")
    asyncio.run(main(parser.parse_args()))
