"""Offered versus served: "register + refer" flows offered at rising rates to a fresh system each time.

    uv run python tests/faults/overload_curve.py --rates 1,2,5,10 --seconds 30

Open loop: a flow starts every 1/rate seconds whatever happened to the others, and a refused request
(503 with Retry-After) is counted as shed, not retried, so the curve shows what the system does with
more than it can take. Served = referrals that reached casework's inbox (seen by polling its list)
within the window plus a drain of `--drain` seconds, per second of window. Writes the figures to
tests/faults/results/overload.json. Bounded: rates x (start + window + drain).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.append(str(HERE))
sys.path.append(str(HERE.parents[1] / "services/notify/tests/support"))

from faultsystem import FaultSystem, safe_hours_now  # noqa: E402
from gateway import LocalGateway  # noqa: E402
from servicekit.testing import Infra, infra_from_env_or_stack  # noqa: E402


def one_flow(system: FaultSystem, monitor: httpx.Client, outcomes: dict[str, Any], index: int) -> None:
    """Register and refer once; a refusal or a timeout is recorded, never retried."""
    started = time.monotonic()
    try:
        victim = monitor.post("/victims", json={
            "sex": "female", "age_band": "25-39", "region": "mopti", "identity": {"phone": f"+2237{index:07d}"},
            "consent": {"legal_support": True, "notifications": {"granted": True, "channel": "sms",
                                                                 **safe_hours_now()}}})
        if victim.status_code != 201:
            outcomes["refused"].append(victim.status_code)
            return
        referral = monitor.post(f"/victims/{victim.json()['id']}/referrals",
                                json={"needs": ["legal_representation"], "urgency": "high"})
        if referral.status_code != 201:
            outcomes["refused"].append(referral.status_code)
            return
        outcomes["admitted"][referral.json()["referral_id"]] = started
        outcomes["answer_s"].append(time.monotonic() - started)
    except httpx.TransportError as exc:
        outcomes["refused"].append(type(exc).__name__)


def watch_inbox(system: FaultSystem, seen: dict[str, float], stop: threading.Event) -> None:
    """Note when each referral first appears in casework's pending inbox."""
    manager = system.client("casework", "case_manager", "org-legal")
    while not stop.is_set():
        try:
            for referral in manager.get("/referrals", params={"limit": 500}).json():
                seen.setdefault(referral["id"], time.monotonic())
        except (httpx.TransportError, ValueError, TypeError):
            pass
        stop.wait(0.5)


def measure(infra: Infra, rate: float, seconds: float, drain: float) -> dict[str, Any]:
    with LocalGateway() as gateway, tempfile.TemporaryDirectory() as tmp:
        system = FaultSystem(infra, Path(tmp), gateway).start()
        try:
            monitor = system.client("intake", "monitor", "org-amdh")
            monitor.timeout = httpx.Timeout(15.0)
            outcomes: dict[str, Any] = {"admitted": {}, "refused": [], "answer_s": []}
            seen: dict[str, float] = {}
            stop = threading.Event()
            watcher = threading.Thread(target=watch_inbox, args=(system, seen, stop))
            watcher.start()
            offered = int(rate * seconds)
            with ThreadPoolExecutor(max_workers=64) as pool:
                begin = time.monotonic()
                for index in range(offered):
                    pool.submit(one_flow, system, monitor, outcomes, index)
                    time.sleep(max(0.0, begin + (index + 1) / rate - time.monotonic()))
            end = begin + seconds + drain
            while time.monotonic() < end and not set(outcomes["admitted"]) <= set(seen):
                time.sleep(0.5)
            stop.set()
            watcher.join()
        finally:
            system.stop()
    latencies = sorted(seen[r] - t for r, t in outcomes["admitted"].items() if r in seen)
    return {"offered_per_s": rate, "offered": offered, "admitted": len(outcomes["admitted"]),
            "shed_503": outcomes["refused"].count(503), "other_refusals": len(outcomes["refused"])
            - outcomes["refused"].count(503), "served": len(latencies),
            "served_per_s": round(len(latencies) / seconds, 2),
            "inbox_latency_p50_s": round(statistics.median(latencies), 2) if latencies else None,
            "inbox_latency_p99_s": round(latencies[int(0.99 * (len(latencies) - 1))], 2) if latencies else None,
            "api_answer_p99_s": round(sorted(outcomes["answer_s"])[int(0.99 * (len(outcomes["answer_s"]) - 1))], 2)
            if outcomes["answer_s"] else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", default="1,2,5,10")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--drain", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=HERE / "results/overload.json")
    args = parser.parse_args()
    infra = infra_from_env_or_stack()
    curve = []
    for rate in (float(r) for r in args.rates.split(",")):
        curve.append(measure(infra, rate, args.seconds, args.drain))
        print(json.dumps(curve[-1]), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"window_s": args.seconds, "drain_s": args.drain, "curve": curve}, indent=2) + "\n")


if __name__ == "__main__":
    main()
