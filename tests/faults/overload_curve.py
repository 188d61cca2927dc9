"""Offered versus served: "register + refer" flows offered at rising rates to a fresh system each time.

    uv run python tests/faults/overload_curve.py --rates 1,2,5,10 --seconds 30

Open loop: a flow starts every 1/rate seconds whatever happened to the others, and a refused request
(503 with Retry-After) is sent again after Retry-After, as the web app's sync queue does, for up to
`--patience` seconds per request: then the flow is given up. The curve shows what the system does
with more than it can take. Served = referrals that reached casework's inbox (seen by polling its list)
within the window plus a drain of `--drain` seconds, per second of window. Writes the figures to
tests/faults/results/overload.json. Bounded: rates x (start + window + drain).
"""

from __future__ import annotations

import argparse
import json
import signal
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from pymongo import MongoClient

HERE = Path(__file__).resolve().parent
sys.path.append(str(HERE))
sys.path.append(str(HERE.parents[1] / "services/notify/tests/support"))

from faultsystem import FaultSystem, safe_hours_now  # noqa: E402
from gateway import LocalGateway  # noqa: E402
from servicekit.testing import Infra, infra_from_env_or_stack  # noqa: E402


def one_flow(system: FaultSystem, monitor: httpx.Client, outcomes: dict[str, Any], index: int,
             patience: float) -> None:
    """Register and refer, as the web app's sync queue does: each request refused with 503 is sent again after
    its Retry-After (same Idempotency-Key) for up to `patience` seconds; then the flow counts as not served."""
    started = time.monotonic()
    key = f"curve-{started:.0f}-{index}"
    victim = _patiently(monitor, "/victims", outcomes, time.monotonic() + patience, f"{key}-v", json={
        "sex": "female", "age_band": "25-39", "region": "mopti", "identity": {"phone": f"+2237{index:07d}"},
        "consent": {"legal_support": True, "sharing": ["org-legal"],
                    "notifications": {"granted": True, "channel": "sms", **safe_hours_now()}}})
    if victim is None:
        return
    referral = _patiently(monitor, f"/victims/{victim['id']}/referrals", outcomes, time.monotonic() + patience,
                          f"{key}-r",
                          json={"needs": ["legal_representation"], "urgency": "high",
                                "receiving_organisation": "org-legal"})
    if referral is not None:
        outcomes["admitted"][referral["referral_id"]] = started
        outcomes["answer_s"].append(time.monotonic() - started)


def _patiently(client: httpx.Client, path: str, outcomes: dict[str, Any], deadline: float, key: str,
               json: dict[str, Any]) -> dict[str, Any] | None:
    while time.monotonic() < deadline:
        try:
            response = client.post(path, json=json, headers={"Idempotency-Key": key})
        except httpx.TransportError as exc:
            outcomes["refused"].append(type(exc).__name__)
            return None
        if response.status_code in (200, 201):
            return dict(response.json())
        outcomes["refused"].append(response.status_code)
        if response.status_code != 503:
            return None
        time.sleep(float(response.headers.get("retry-after", "1")))
    outcomes["gave_up"] += 1
    return None


def watch_inbox(system: FaultSystem, outcomes: dict[str, Any], seen: dict[str, float], stop: threading.Event) -> None:
    """Note when each admitted referral lands in casework's inbox, read from casework's store: polling its API
    (audited reads of up to 500 referrals, twice a second) would be a load of its own and bend the curve."""
    referrals = MongoClient(system.infra.mongo_url)[f"{system.namespace[:-1]}_casework"]["referrals"]
    while not stop.is_set():
        waiting = [r for r in list(outcomes["admitted"]) if r not in seen]
        if waiting:
            for doc in referrals.find({"_id": {"$in": waiting}}, {"_id": 1}):
                seen.setdefault(doc["_id"], time.monotonic())
        stop.wait(0.5)


def measure(infra: Infra, rate: float, seconds: float, drain: float, patience: float) -> dict[str, Any]:
    with LocalGateway() as gateway, tempfile.TemporaryDirectory() as tmp:
        system = FaultSystem(infra, Path(tmp), gateway).start()
        try:
            monitor = system.client("intake", "monitor", "org-amdh")
            monitor.timeout = httpx.Timeout(15.0)
            outcomes: dict[str, Any] = {"admitted": {}, "refused": [], "answer_s": [], "gave_up": 0}
            seen: dict[str, float] = {}
            stop = threading.Event()
            watcher = threading.Thread(target=watch_inbox, args=(system, outcomes, seen, stop))
            watcher.start()
            offered = int(rate * seconds)
            with ThreadPoolExecutor(max_workers=int(rate * patience) + 8) as pool:
                begin = time.monotonic()
                for index in range(offered):
                    pool.submit(one_flow, system, monitor, outcomes, index, patience)
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
            "answers_503": outcomes["refused"].count(503), "other_refusals": len(outcomes["refused"])
            - outcomes["refused"].count(503), "gave_up": outcomes["gave_up"], "served": len(latencies),
            "served_per_s": round(len(latencies) / seconds, 2),
            # What the system sustained: served flows over the time from the first offer to the last arrival.
            "throughput_per_s": round(len(latencies) / (max(seen.values()) - begin), 2) if seen else 0.0,
            "inbox_latency_p50_s": round(statistics.median(latencies), 2) if latencies else None,
            "inbox_latency_p99_s": round(latencies[int(0.99 * (len(latencies) - 1))], 2) if latencies else None,
            "api_answer_p99_s": round(sorted(outcomes["answer_s"])[int(0.99 * (len(outcomes["answer_s"]) - 1))], 2)
            if outcomes["answer_s"] else None}


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the system we started, then exit
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", default="1,2,5,10")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--drain", type=float, default=90.0)
    parser.add_argument("--patience", type=float, default=60.0, help="how long a client retries one request")
    parser.add_argument("--out", type=Path, default=HERE / "results/overload.json")
    args = parser.parse_args()
    infra = infra_from_env_or_stack()
    curve = []
    for rate in (float(r) for r in args.rates.split(",")):
        curve.append(measure(infra, rate, args.seconds, args.drain, args.patience))
        print(json.dumps(curve[-1]), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"window_s": args.seconds, "drain_s": args.drain, "curve": curve}, indent=2) + "\n")


if __name__ == "__main__":
    main()
