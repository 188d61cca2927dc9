"""Benchmarks that grow: every path measured on stores seeded to 0, 10k and 50k records (4 commits per
aggregate, so 200k commits at the largest tier), each against the bare operation of the same run.

    uv run python bench/run.py                      # against REDRESS_KAFKA_BOOTSTRAP / REDRESS_MONGO_URL
    uv run python bench/run.py --tiers 0,1000 --quick
    uv run python bench/run.py --only advocacy_indicators   # advocacy's read model alone (bench/indicators.py)
    uv run python bench/run.py --listings           # only the listings, query shape by query shape
    uv run python bench/report.py                   # regenerate docs/performance.md
Writes bench/results/<UTC timestamp>-<store>.json and bench/results/latest.json (with --listings:
listings-<UTC timestamp>-<store>.json and listings-latest.json). Every loop is bounded
in count and in seconds, all traffic stays on loopback, and the seeded databases are dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from casework.indexes import INDEXES as CASEWORK_INDEXES
from cpu import CpuMeter, Snapshot
from http_rounds import alternate
from intake.indexes import INDEXES as INTAKE_INDEXES
from listings import (
    Advocacy,
    Shapes,
    casework_shapes,
    intake_shapes,
    measure_shapes,
    seed_casework,
    seed_intake,
)
from paths import (
    Budget,
    Measurement,
    bench_command_path,
    bench_consumer_path,
    bench_relay_drain,
    forget_pending,
    kit_settings,
    seed_things,
)
from pymongo import AsyncMongoClient
from roofline import bench_bare_consume, bench_bare_insert, bench_bare_produce
from servicekit.indexes import ensure_indexes
from servicekit.service import build_core

RESULTS = Path(__file__).resolve().parent / "results"
# The HTTP command and the bare endpoint alternate (bench/http_rounds.py): the commands' count, in this many rounds.
HTTP_ROUNDS = 4


def summary(latencies_s: list[float], elapsed_s: float) -> dict[str, float]:
    """Throughput and latency percentiles of one measurement."""
    ordered = sorted(latencies_s) or [0.0]
    return {
        "count": len(latencies_s),
        "throughput_per_s": round(len(latencies_s) / elapsed_s, 1) if elapsed_s else 0.0,
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 3),
    }


async def store_info(mongo_url: str) -> str:
    """Which store answered: FerretDB's version and backend (with its local patch), or MongoDB's version."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    try:
        info = await client.admin.command("buildInfo")
    finally:
        await client.close()
    if "ferretdbVersion" in info:
        label = os.environ.get("REDRESS_STORE_LABEL")  # e.g. the backend, which buildInfo does not tell
        return f"FerretDB {info['ferretdbVersion']}" + (f" ({label})" if label else "")
    return f"MongoDB {info.get('version')}"


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
        "aiokafka": version("aiokafka"), "pymongo": version("pymongo"), "fastapi": version("fastapi"),
        "kafka_broker": os.environ.get("KAFKA_VERSION", "4.1.1"),
        "load_average_at_start": round(os.getloadavg()[0], 1),
    }


class Run:
    """One bench run: the seeded databases of every service, grown tier by tier."""

    def __init__(self, bootstrap: str, mongo_url: str, quick: bool) -> None:
        self.bootstrap, self.mongo_url = bootstrap, mongo_url
        self.prefix = f"bench_grow_{uuid.uuid4().hex[:8]}"
        self.kit = build_core(kit_settings(bootstrap, mongo_url, f"{self.prefix}_kit"))
        self.intake_db = self.kit.client[f"{self.prefix}_intake"]
        self.casework_db = self.kit.client[f"{self.prefix}_casework"]
        self.advocacy: Advocacy | None = None
        scale = 0.2 if quick else 1.0
        # 300 commands even when quick: the store's CPU is read in 10 ms ticks, so 60 would be 0.17 ms a tick.
        self.commands = Budget(count=300, seconds=20 * scale)
        self.reads = Budget(count=int(60 * scale) or 5, seconds=20 * scale)
        # Enough queries of each shape for its own p95 (--listings), still bounded in count and seconds.
        self.shape_reads = Budget(count=int(100 * scale) or 5, seconds=60 * scale)
        self.indexed = False
        self.backlog = 2000
        self.seeded = 0
        self.cpu = CpuMeter(mongo_url)

    async def grow(self, tier: int, listings_only: bool = False) -> dict[str, Any]:
        """Seed every measured collection (or only the listed ones) up to `tier` aggregates; how long it
        took and what it wrote."""
        started = time.perf_counter()
        if not self.indexed:
            # The indexes the services declare, created as they create them at start-up (the relay's too).
            await ensure_indexes(self.kit.db, ())
            await ensure_indexes(self.intake_db, INTAKE_INDEXES)
            await ensure_indexes(self.casework_db, CASEWORK_INDEXES)
            self.indexed = True
        if self.advocacy is None and not listings_only:
            self.advocacy = await Advocacy.start(self.bootstrap, self.mongo_url, f"{self.prefix}_advocacy")
        written = 0 if listings_only else await seed_things(self.kit, self.seeded, tier)
        written += await seed_intake(self.intake_db, self.seeded, tier)
        written += await seed_casework(self.casework_db, self.seeded, tier)
        published = 0 if self.advocacy is None else await self.advocacy.grow(self.seeded, tier)
        self.seeded = tier
        return {"documents_written": written, "events_published": published,
                "seconds": round(time.perf_counter() - started, 1)}

    def costed(self, before: Snapshot, measured: Measurement, **extra: Any) -> dict[str, Any]:
        """Summary of a measurement, with the CPU it cost the store and this process per operation."""
        return summary(*measured) | self.cpu.per_op(before, self.cpu.snapshot(), len(measured[0])) | extra

    async def measure(self, tier: int) -> dict[str, Any]:
        """Every measurement at the current tier."""
        r: dict[str, Any] = {"seeding": await self.grow(tier)}
        things, cpu = self.kit.db["things"], self.cpu
        print(f"  tier {tier}: bare insert...", flush=True)
        b = cpu.snapshot()
        r["bare_insert"] = self.costed(b, await bench_bare_insert(things, self.commands.count))
        print(f"  tier {tier}: kit command, relay, consumer...", flush=True)
        stored, published, spent = await bench_command_path(self.kit, self.bootstrap, self.commands, cpu)
        r["kit_command_stored"], r["kit_command_published"] = summary(*stored) | spent, summary(*published)
        b = cpu.snapshot()
        r["kit_relay_drain"] = self.costed(b, await bench_relay_drain(self.kit, self.bootstrap, self.backlog,
                                                                      self.commands.seconds * 3))
        consumed, spent = await bench_consumer_path(self.kit, self.bootstrap, self.commands, cpu)
        r["kit_consume"] = summary(*consumed) | spent
        print(f"  tier {tier}: HTTP command and bare HTTP endpoint, in alternating rounds...", flush=True)
        bare, kit = await alternate(self.kit, things, cpu, rounds=HTTP_ROUNDS,
                                    count=max(self.commands.count // HTTP_ROUNDS, 1))
        for name, side in (("bare_http_insert", bare), ("kit_http_command", kit)):
            latencies, seconds, spent = side.totals()
            r[name] = summary(latencies, seconds) | spent
        await forget_pending(self.kit)  # no relay runs here: unmarked apart, as the bare endpoint publishes nothing
        print(f"  tier {tier}: listings...", flush=True)
        await self._listings(r)
        return r

    async def shaped(self, shapes: Shapes, budget: Budget) -> dict[str, Any]:
        """One listing measured round-robin over its query shapes: overall, and shape by shape."""
        b = self.cpu.snapshot()
        measured, by_shape = await measure_shapes(shapes, budget)
        shaped = {name: {k: v for k, v in summary(latencies, measured[1]).items() if k != "throughput_per_s"}
                  for name, latencies in by_shape.items()}
        return self.costed(b, measured, by_shape=shaped)

    async def measure_listings(self, tier: int) -> dict[str, Any]:
        """Only intake's and casework's listings at the current tier (--listings)."""
        r: dict[str, Any] = {"seeding": await self.grow(tier, listings_only=True)}
        print(f"  tier {tier}: listings...", flush=True)
        inbox, cases = casework_shapes(self.casework_db)
        r["intake_listing"] = await self.shaped(intake_shapes(self.intake_db), self.shape_reads)
        r["casework_inbox"] = await self.shaped(inbox, self.shape_reads)
        r["casework_my_cases"] = await self.shaped(cases, self.shape_reads)
        return r

    async def _listings(self, r: dict[str, Any]) -> None:
        assert self.advocacy is not None
        cpu = self.cpu
        inbox, cases = casework_shapes(self.casework_db)
        r["intake_listing"] = await self.shaped(intake_shapes(self.intake_db), self.reads)
        r["casework_inbox"] = await self.shaped(inbox, self.reads)
        r["casework_my_cases"] = await self.shaped(cases, self.reads)
        b = cpu.snapshot()
        replayed, seconds = await self.advocacy.rebuild(timeout=600)
        r["advocacy_rebuild"] = {"count": replayed, "seconds": round(seconds, 1),
                                 "throughput_per_s": round(replayed / seconds, 1) if seconds else 0.0,
                                 **cpu.per_op(b, cpu.snapshot(), replayed)}
        reads = Budget(count=max(self.reads.count // 4, 3), seconds=self.reads.seconds, floor=3)
        b = cpu.snapshot()
        measured, _ = await measure_shapes(self.advocacy.shapes(), reads)
        r["advocacy_indicators"] = self.costed(b, measured)

    async def close(self) -> None:
        for name in ("kit", "intake", "casework", "advocacy"):
            await self.kit.client.drop_database(f"{self.prefix}_{name}")
        if self.advocacy is not None:
            await self.advocacy.deps.core.client.close()
        await self.kit.client.close()


def ratios(r: dict[str, Any], run: dict[str, Any]) -> dict[str, float]:
    """Kit throughput as a fraction of the matching raw baseline (1.0 = as fast as the raw stack)."""
    def ratio(kit: dict[str, Any], bare: dict[str, Any]) -> float:
        return round(kit["throughput_per_s"] / bare["throughput_per_s"], 3) if bare["throughput_per_s"] else 0.0

    return {
        "command_stored_vs_bare_insert": ratio(r["kit_command_stored"], r["bare_insert"]),
        "command_published_vs_bare_insert": ratio(r["kit_command_published"], r["bare_insert"]),
        "relay_drain_vs_bare_produce": ratio(r["kit_relay_drain"], run["bare_produce"]),
        "consume_with_effect_vs_bare_insert": ratio(r["kit_consume"], r["bare_insert"]),
        "http_command_vs_bare_http_insert": ratio(r["kit_http_command"], r["bare_http_insert"]),
    }


def slopes(tiers: dict[str, dict[str, Any]]) -> dict[str, float]:
    """How each measurement's p50 grows from the smallest to the largest tier (1.0 = flat)."""
    keys = sorted(tiers, key=int)
    first, last = tiers[keys[0]], tiers[keys[-1]]
    out = {}
    for name, value in last.items():
        if isinstance(value, dict) and value.get("count") and first.get(name, {}).get("p50_ms"):
            out[name] = round(value["p50_ms"] / first[name]["p50_ms"], 2)
    if first.get("advocacy_rebuild", {}).get("throughput_per_s"):
        out["advocacy_rebuild_events_per_s"] = round(
            last["advocacy_rebuild"]["throughput_per_s"] / first["advocacy_rebuild"]["throughput_per_s"], 2)
    return out


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # group coordinator chatter of the bare consumer
    bootstrap = os.environ.get("REDRESS_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
    mongo_url = os.environ.get("REDRESS_MONGO_URL", "mongodb://127.0.0.1:27117/")
    tiers = [int(t) for t in args.tiers.split(",")]
    if args.only == "advocacy_indicators":
        from indicators import run_indicators  # imports this module: only when asked for

        await run_indicators(bootstrap, mongo_url, tiers, args.quick)
        return
    results: dict[str, Any] = {"started_at": datetime.now(UTC).isoformat(), "machine": machine(),
                               "store": await store_info(mongo_url), "tiers": {}}
    prefix = "listings-" if args.listings else ""
    if not args.listings:
        print(f"store: {results['store']}; roofline: bare aiokafka produce and consume...", flush=True)
        n_kafka = 1000 if args.quick else 5000
        results["bare_produce"] = summary(*await bench_bare_produce(bootstrap, n_kafka))
        results["bare_consume"] = summary(*await bench_bare_consume(bootstrap, n_kafka))
    run = Run(bootstrap, mongo_url, args.quick)
    try:
        for tier in tiers:
            print(f"tier {tier}: seeding...", flush=True)
            tier_results = await (run.measure_listings(tier) if args.listings else run.measure(tier))
            if not args.listings:
                tier_results["ratios"] = ratios(tier_results, results)
            tier_results["load_average"] = round(os.getloadavg()[0], 1)
            results["tiers"][str(tier)] = tier_results
            print(json.dumps({"tier": tier, "seeding": tier_results["seeding"], **tier_results.get("ratios", {})}),
                  flush=True)
            write(results, prefix, partial=True)  # a run stopped later still leaves what it measured
    finally:
        await run.close()
    results["slopes"] = slopes(results["tiers"])
    results["machine"]["load_average_at_end"] = round(os.getloadavg()[0], 1)
    write(results, prefix)
    print(json.dumps(results["slopes"], indent=2))


def write(results: dict[str, Any], prefix: str = "", partial: bool = False) -> None:
    """bench/results/<prefix><start time>-<store>.json, and <prefix>latest.json once the run is complete."""
    RESULTS.mkdir(exist_ok=True)
    stamp = results["started_at"][:19].replace("-", "").replace(":", "") + "Z"
    label = results["store"].split(" (")[0].replace(" ", "-").lower()
    text = json.dumps(results, indent=2) + "\n"
    (RESULTS / f"{prefix}{stamp}-{label}.json").write_text(text)
    if not partial:
        (RESULTS / f"{prefix}latest.json").write_text(text)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiers", default="0,10000,50000", help="aggregates per measured collection")
    parser.add_argument("--quick", action="store_true", help="a fifth of the counts and seconds (smoke run)")
    parser.add_argument("--only", choices=["advocacy_indicators"],
                        help="one case on its own seeded store (results in bench/results/advocacy-latest.json)")
    parser.add_argument("--listings", action="store_true",
                        help="only intake's and casework's listings, p50 / p95 of each query shape")
    asyncio.run(main(parser.parse_args()))
