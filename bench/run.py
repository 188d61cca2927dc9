"""Benchmarks: the raw stack (roofline) and the kit's paths, in one run, as ratios.

    uv run python bench/run.py            # against REDRESS_KAFKA_BOOTSTRAP / REDRESS_MONGO_URL
Writes bench/results/<UTC timestamp>.json and bench/results/latest.json. Sizes are modest on
purpose (2-core machines): every loop is bounded in count and all traffic stays on loopback.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import statistics
import sys
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from paths import bench_command_path, bench_consumer_path, bench_http_command
from roofline import bench_bare_consume, bench_bare_http, bench_bare_insert, bench_bare_produce

RESULTS = Path(__file__).resolve().parent / "results"


def summary(latencies_s: list[float], elapsed_s: float) -> dict[str, float]:
    """Throughput and latency percentiles of one measurement."""
    ordered = sorted(latencies_s) or [0.0]
    return {
        "count": len(latencies_s),
        "throughput_per_s": round(len(latencies_s) / elapsed_s, 1) if elapsed_s else 0.0,
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 3),
    }


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
        "aiokafka": version("aiokafka"), "pymongo": version("pymongo"), "fastapi": version("fastapi"),
        "kafka_broker": os.environ.get("KAFKA_VERSION", "4.1.1"), "ferretdb": "v1.24.2 (SQLite backend)",
    }


async def main() -> None:
    bootstrap = os.environ.get("REDRESS_KAFKA_BOOTSTRAP", "127.0.0.1:19092")
    mongo_url = os.environ.get("REDRESS_MONGO_URL", "mongodb://127.0.0.1:27117/")
    n_kafka, n_store, n_commands, n_http = 5000, 1000, 500, 500
    results: dict[str, Any] = {"started_at": datetime.now(UTC).isoformat(), "machine": machine()}
    print("roofline: bare aiokafka produce...", flush=True)
    results["bare_produce"] = summary(*await bench_bare_produce(bootstrap, n_kafka))
    print("roofline: bare aiokafka consume...", flush=True)
    results["bare_consume"] = summary(*await bench_bare_consume(bootstrap, n_kafka))
    print("roofline: bare FerretDB insert by _id...", flush=True)
    results["bare_insert"] = summary(*await bench_bare_insert(mongo_url, n_store))
    print("roofline: bare FastAPI endpoint...", flush=True)
    results["bare_http"] = summary(*await bench_bare_http(n_http))
    print("kit: command -> event stored -> published...", flush=True)
    stored, published = await bench_command_path(bootstrap, mongo_url, n_commands)
    results["kit_command_stored"] = summary(*stored)
    results["kit_command_published"] = summary(*published)
    print("kit: consumer runner with idempotent effects...", flush=True)
    results["kit_consume"] = summary(*await bench_consumer_path(bootstrap, mongo_url, n_commands))
    print("kit: HTTP command through a service app...", flush=True)
    results["kit_http_command"] = summary(*await bench_http_command(bootstrap, mongo_url, n_http))
    results["ratios"] = ratios(results)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for path in (RESULTS / f"{stamp}.json", RESULTS / "latest.json"):
        path.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results["ratios"], indent=2))


def ratios(r: dict[str, Any]) -> dict[str, float]:
    """Kit throughput as a fraction of the matching raw baseline (1.0 = as fast as the raw stack)."""
    def ratio(kit: str, bare: str) -> float:
        return round(r[kit]["throughput_per_s"] / r[bare]["throughput_per_s"], 3)

    return {
        "command_stored_vs_bare_insert": ratio("kit_command_stored", "bare_insert"),
        "command_published_vs_bare_insert": ratio("kit_command_published", "bare_insert"),
        "consume_with_effect_vs_bare_consume": ratio("kit_consume", "bare_consume"),
        "consume_with_effect_vs_bare_insert": ratio("kit_consume", "bare_insert"),
        "http_command_vs_bare_http": ratio("kit_http_command", "bare_http"),
    }


if __name__ == "__main__":
    asyncio.run(main())
