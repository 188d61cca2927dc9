"""Pipeline bench: the five services as processes, whole flows offered at rising rates on a seeded store.

    uv run python bench/pipeline.py [--seed 50000] [--rates 1,2,5,10] [--stage-seconds 15] [--port-base 12600]
A flow is what the programme does for one victim: intake registers the victim (phone, consent to SMS)
and refers them; the referral reaches casework's inbox (seen on casework.cases); a case manager accepts
it; the victim's SMS about the lawyer reaches the gateway; a lawyer schedules a hearing; its SMS reaches
the gateway. Each stage starts flows at one rate for a few seconds and waits (bounded) for them to end;
the stages stop rising once one cannot keep up. A command answered 503 or 429 (an API shedding load) is
sent again after its `Retry-After`, one whose connection dropped after a second, with the same
Idempotency-Key, as a client should: such a flow is counted as retried, not failed. Each stage also
records what a flow cost every process: CPU ms (from /proc) and, with --count-trips, each service
process's store round trips by command and collection (bench/trips/sitecustomize.py). Writes
bench/results/pipeline-<stamp>.json and bench/results/pipeline-latest.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from aiokafka import AIOKafkaConsumer
from casework.indexes import INDEXES as CASEWORK_INDEXES
from costs import Costs
from intake.indexes import INDEXES as INTAKE_INDEXES
from listings import seed_casework, seed_intake
from pymongo import AsyncMongoClient
from servicekit.indexes import ensure_indexes
from servicekit.testing import Infra
from system import Services, SmsGateway

RESULTS = Path(__file__).resolve().parent / "results"
BAMAKO = ZoneInfo("Africa/Bamako")
BUSY = (429, 503)
MAX_RETRY_AFTER = 30.0
HOPS = ("register (HTTP)", "refer (HTTP)", "referral reaches casework's inbox", "accept (HTTP)",
        "acceptance SMS at the gateway", "schedule hearing (HTTP)", "hearing SMS at the gateway", "whole flow")


class Inbox:
    """Watches casework.cases for referrals entering the inbox (casework.referral.received.v1)."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None,
                                         auto_offset_reset="latest", metadata_max_age_ms=1000)
        self.seen: dict[str, float] = {}

    async def run(self) -> None:
        await self.consumer.start()
        try:
            async for record in self.consumer:
                headers = {k: v.decode() for k, v in record.headers}
                if headers.get("ce_type") == "casework.referral.received.v1" and record.key:
                    self.seen.setdefault(record.key.decode(), record.timestamp / 1000)
        finally:
            await self.consumer.stop()

    async def arrival(self, referral_id: str, deadline: float) -> float:
        while referral_id not in self.seen:
            if time.monotonic() > deadline:
                raise TimeoutError("referral never reached casework's inbox")
            await asyncio.sleep(0.05)
        return self.seen[referral_id]


class Flow:
    """One victim from registration to the hearing's SMS; records when each hop ended."""

    def __init__(self, n: int, services: Services, clients: dict[str, httpx.AsyncClient], inbox: Inbox,
                 gateway: SmsGateway, timeout: float) -> None:
        self.n, self.services, self.clients, self.inbox, self.gateway = n, services, clients, inbox, gateway
        self.phone = f"+2237{n:07d}"
        self.deadline = time.monotonic() + timeout
        self.hops: dict[str, float] = {}
        self.retries = 0

    async def run(self) -> dict[str, float]:
        start = time.time()
        now = datetime.now(BAMAKO)
        consent = {"legal_support": True, "sharing": ["org-legal"], "notifications": {
            "granted": True, "channel": "sms", "language": "fr",
            "safe_hours_start": (now - timedelta(hours=1)).strftime("%H:%M"),
            "safe_hours_end": (now + timedelta(hours=3)).strftime("%H:%M")}}
        victim = await self._post("intake", "/victims", {"sex": "female", "age_band": "25-39", "region": "mopti",
                                                         "identity": {"phone": self.phone}, "consent": consent})
        t = self._hop("register (HTTP)", start)
        referral = await self._post("intake", f"/victims/{victim['id']}/referrals",
                                    {"needs": ["legal_representation"], "urgency": "high",
                                     "receiving_organisation": "org-legal"})
        t = self._hop("refer (HTTP)", t)
        arrived = await self.inbox.arrival(referral["referral_id"], self.deadline)
        self.hops["referral reaches casework's inbox"] = arrived - t
        t = time.time()
        accepted = await self._post("casework_manager", f"/referrals/{referral['referral_id']}/accept",
                                    {"lawyers": ["lawyer-bench"]})
        accepted_at = self._hop("accept (HTTP)", t)
        starts_at = (now + timedelta(days=30)).replace(hour=9, minute=30, second=0, microsecond=0)
        await self._post("casework_lawyer", f"/cases/{accepted['case_id']}/hearings", {
            "court": "ml-tgi-bamako-c1", "starts_at": starts_at.isoformat(), "purpose": "civil_party_hearing"})
        scheduled_at = self._hop("schedule hearing (HTTP)", accepted_at)
        self.hops["acceptance SMS at the gateway"] = await self._sms("avocat") - accepted_at
        self.hops["hearing SMS at the gateway"] = (hearing := await self._sms("audience")) - scheduled_at
        self.hops["whole flow"] = hearing - start
        self.hops["ended_at"] = hearing
        self.hops["retries"] = self.retries
        return self.hops

    def _hop(self, name: str, since: float) -> float:
        now = time.time()
        self.hops[name] = now - since
        return now

    async def _post(self, client: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """One command; sent again after Retry-After while the API sheds, under the same Idempotency-Key."""
        key = str(uuid.uuid4())
        while True:
            try:
                response = await self.clients[client].post(path, json=body, headers={"Idempotency-Key": key})
            except httpx.TransportError:  # a connection dropped (keep-alive closed under load): same key, again
                if time.monotonic() > self.deadline:
                    raise
                self.retries += 1
                await asyncio.sleep(1.0)
                continue
            if response.status_code not in BUSY or time.monotonic() > self.deadline:
                break
            self.retries += 1
            await asyncio.sleep(_retry_after(response))
        if response.status_code != 201:
            raise RuntimeError(f"{path} answered {response.status_code}")
        return response.json()  # type: ignore[no-any-return]

    async def _sms(self, word: str) -> float:
        while not (found := [at for at, message in self.gateway.arrivals(self.phone) if word in message]):
            if time.monotonic() > self.deadline:
                raise TimeoutError(f"no SMS with {word!r}")
            await asyncio.sleep(0.05)
        return found[0]


def _retry_after(response: httpx.Response) -> float:
    """The answer's Retry-After in seconds (1 s when absent or not a number), bounded."""
    try:
        return min(max(float(response.headers.get("retry-after", "1")), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        return 1.0


async def stage(rate: float, seconds: float, make_flow: Any, grace: float, costs: Costs) -> dict[str, Any]:
    """Start flows at `rate` per second for `seconds`, wait for them (bounded); throughput, hop latencies, costs."""
    before = costs.snapshot()
    started = time.monotonic()
    tasks = []
    for i in range(max(int(rate * seconds), 1)):
        await asyncio.sleep(max(0.0, started + i / rate - time.monotonic()))
        tasks.append(asyncio.create_task(make_flow().run()))
    done, pending = await asyncio.wait(tasks, timeout=grace)
    for task in pending:
        task.cancel()
    finished = [t.result() for t in done if not t.exception()]
    failures = [repr(t.exception())[:120] for t in done if t.exception()]
    elapsed = time.monotonic() - started
    await asyncio.sleep(1.5)  # the round-trip counts are written once a second
    spent = costs.since(before, len(finished))
    hops = {hop: _percentiles([f[hop] for f in finished]) for hop in HOPS}
    # Sustained rate: how fast flows finish once they do (from the first end to the last). A system
    # that keeps up ends them as fast as they were offered; one that falls behind spreads them out.
    ends = sorted(f["ended_at"] for f in finished)
    sustained = (len(ends) - 1) / (ends[-1] - ends[0]) if len(ends) > 1 and ends[-1] > ends[0] else 0.0
    retried = [f["retries"] for f in finished if f["retries"]]
    return {"offered_per_s": rate, "started": len(tasks), "completed": len(finished), "failed": len(failures),
            "retried": len(retried), "retries": sum(retried),
            "unfinished": len(pending), "seconds": round(elapsed, 1), "sustained_per_s": round(sustained, 2),
            "load_average": round(os.getloadavg()[0], 1), "hops": hops, "failures": sorted(set(failures)),
            "costs": spent}


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    return {"p50_s": round(statistics.median(ordered), 3), "p99_s": round(ordered[int(0.99 * (len(ordered) - 1))], 3)}


async def seed(mongo_url: str, services: Services, records: int) -> float:
    """Seed intake's incidents and casework's referrals and cases to `records` each, before the services start."""
    started = time.perf_counter()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url, tz_aware=True)
    try:
        await seed_intake(client[services.db("intake")], 0, records)
        await seed_casework(client[services.db("casework")], 0, records)
        # The indexes the services create at start-up, built here as a running deployment has them already
        # (else the first stage would wait for their build on the seeded collections).
        await ensure_indexes(client[services.db("intake")], INTAKE_INDEXES)
        await ensure_indexes(client[services.db("casework")], CASEWORK_INDEXES)
    finally:
        await client.close()
    return round(time.perf_counter() - started, 1)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    infra = Infra(os.environ.get("REDRESS_KAFKA_BOOTSTRAP", "127.0.0.1:19092"),
                  os.environ.get("REDRESS_MONGO_URL", "mongodb://127.0.0.1:27117/"), managed=False)
    trips_dir = Path(tempfile.mkdtemp(prefix="trips")) if args.count_trips else None
    extra_env = {"REDRESS_BENCH_TRIPS_DIR": str(trips_dir),
                 "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parent / "trips"),
                                                             os.environ.get("PYTHONPATH")]))} if trips_dir else {}
    services = Services(namespace=f"bench{uuid.uuid4().hex[:6]}.", db_prefix=f"bench_pipe_{uuid.uuid4().hex[:6]}",
                        private_key=Path(), port_base=args.port_base, extra_env=extra_env)
    gateway = SmsGateway(port=args.port_base + 9 if args.port_base else 0)
    result: dict[str, Any] = {"started_at": datetime.now(UTC).isoformat(), "seeded_records": args.seed,
                              "cpus": os.cpu_count(), "stages": []}
    print(f"seeding {args.seed} incidents, referrals and cases...", flush=True)
    result["seeding_s"] = await seed(infra.mongo_url, services, args.seed)
    print("starting the five services...", flush=True)
    services.start(infra, Path(tempfile.mkdtemp()), gateway.url)
    inbox = Inbox(infra.kafka_bootstrap, services.namespace + "casework.cases")
    watcher = asyncio.create_task(inbox.run())
    clients = {
        "intake": httpx.AsyncClient(base_url=services.url("intake"), headers=services.headers("monitor", "org-amdh"),
                                    timeout=60),
        "casework_manager": httpx.AsyncClient(base_url=services.url("casework"), timeout=60,
                                              headers=services.headers("case_manager", "org-legal")),
        "casework_lawyer": httpx.AsyncClient(base_url=services.url("casework"), timeout=60,
                                             headers=services.headers("lawyer", "org-legal", "lawyer-bench")),
    }
    counter = iter(range(10**9))
    costs = Costs(services.pids(), trips_dir)
    try:
        await asyncio.sleep(2)  # the inbox watcher joins its partitions before the first flow
        for rate in [float(r) for r in args.rates.split(",")]:
            print(f"stage: {rate} flows/s for {args.stage_seconds} s...", flush=True)
            outcome = await stage(rate, args.stage_seconds, lambda: Flow(next(counter), services, clients, inbox,
                                                                         gateway, args.grace), args.grace, costs)
            result["stages"].append(outcome)
            print(json.dumps({k: v for k, v in outcome.items() if k not in ("hops", "costs")}), flush=True)
            print(json.dumps({k: outcome["costs"][k] for k in ("cpu_ms_per_flow", "round_trips_per_flow_total")}),
                  flush=True)
            if outcome["completed"] < 0.9 * outcome["started"]:
                break  # this rate is not sustained: higher ones would only queue more
    finally:
        watcher.cancel()
        for client in clients.values():
            await client.aclose()
        services.stop()
        gateway.close()
        await _drop(infra.mongo_url, services)
    return result


async def _drop(mongo_url: str, services: Services) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url)
    for name in await client.list_database_names():
        if name.startswith(services.db_prefix):
            await client.drop_database(name)
    await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=50_000, help="incidents, referrals (and cases) seeded")
    parser.add_argument("--rates", default="1,2,5,10", help="flows per second offered, stage by stage")
    parser.add_argument("--stage-seconds", type=float, default=15.0)
    parser.add_argument("--grace", type=float, default=90.0, help="longest wait for a stage's flows to end")
    parser.add_argument("--port-base", type=int, default=12600,
                        help="the services listen on port-base + 1..5, the SMS gateway on + 9; 0: any free port")
    parser.add_argument("--count-trips", action="store_true",
                        help="count each service process's store round trips (a command listener in each)")
    result = asyncio.run(run(parser.parse_args()))
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for path in (RESULTS / f"pipeline-{stamp}.json", RESULTS / "pipeline-latest.json"):
        path.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
