"""The kit's HTTP command and a bare FastAPI endpoint doing one insert, measured in alternating rounds.

Measured one after the other, minutes apart, a shared machine's load moves one and not the other (the
HTTP ratio at 50k ranged 0.44-0.73 over five such runs of the same code). Here both run in one process
against one store, round after round (bare, kit, bare, kit...), each round costed on its own: a round's
ratio is measured under the load of that moment, and the sum over the rounds is each side's whole.
Used by bench/run.py (its HTTP rows) and bench/ab_http.py (the rounds themselves).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from cpu import CpuMeter
from paths import kit_http_app
from pymongo.asynchronous.collection import AsyncCollection
from roofline import bare_http_app
from servicekit.service import Core

BODY = {"region": "mopti", "occurred_on": "2024-03-02"}
WARM_UP = 50  # requests of each side before measuring: imports, caches, connections


@dataclass
class Side:
    """One side's rounds: every latency, and the wall, bench and store seconds of each round."""

    latencies: list[float] = field(default_factory=list)
    rounds: list[dict[str, float]] = field(default_factory=list)

    def totals(self) -> tuple[list[float], float, dict[str, float]]:
        """(latencies, wall seconds, CPU ms per request of this process and of the store) over the rounds."""
        count = max(len(self.latencies), 1)
        cpu = {"bench_cpu_ms_per_op": round(sum(r["bench_s"] for r in self.rounds) * 1000 / count, 2)}
        if all("store_s" in r for r in self.rounds):
            cpu["store_cpu_ms_per_op"] = round(sum(r["store_s"] for r in self.rounds) * 1000 / count, 2)
        return self.latencies, sum(r["wall_s"] for r in self.rounds), cpu


async def _round(meter: CpuMeter, side: Side | None, count: int, post: Callable[[], Awaitable[None]]) -> None:
    before, started = meter.snapshot(), time.perf_counter()
    latencies = []
    for _ in range(count):
        t0 = time.perf_counter()
        await post()
        latencies.append(time.perf_counter() - t0)
    after = meter.snapshot()
    if side is None:
        return
    measured = {"wall_s": time.perf_counter() - started, "bench_s": after.bench_s - before.bench_s}
    if before.store_s is not None and after.store_s is not None:
        measured["store_s"] = after.store_s - before.store_s
    side.latencies += latencies
    side.rounds.append(measured)


async def alternate(core: Core, collection: AsyncCollection[Any], meter: CpuMeter, *, rounds: int,
                    count: int) -> tuple[Side, Side]:
    """`rounds` rounds of `count` POSTs to the bare endpoint (inserting into `collection`), then to the
    kit's command, in turn; (bare, kit)."""
    kit_app, headers = kit_http_app(core, core.settings)
    transport = httpx.ASGITransport
    bare, kit = Side(), Side()
    async with httpx.AsyncClient(transport=transport(app=kit_app), base_url="http://bench") as kit_client, \
            httpx.AsyncClient(transport=transport(app=bare_http_app(collection)),
                              base_url="http://bench") as bare_client:
        async def post_kit() -> None:
            assert (await kit_client.post("/things", json=BODY, headers=headers)).status_code == 201

        async def post_bare() -> None:
            assert (await bare_client.post("/things", json=BODY)).status_code == 201

        await _round(meter, None, WARM_UP, post_bare)
        await _round(meter, None, WARM_UP, post_kit)
        for _ in range(rounds):
            await _round(meter, bare, count, post_bare)
            await _round(meter, kit, count, post_kit)
    return bare, kit


def ratios(bare: dict[str, float], kit: dict[str, float]) -> dict[str, float]:
    """A round's ratios: bare over kit, on wall time and on CPU (this process + the store)."""
    def cpu(r: dict[str, float]) -> float:
        return r["bench_s"] + r.get("store_s", 0.0)

    return {"wall_ratio": round(bare["wall_s"] / kit["wall_s"], 3), "cpu_ratio": round(cpu(bare) / cpu(kit), 3)}
