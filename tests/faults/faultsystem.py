"""The system under faults: the five services as processes under `make run`'s supervisor, a local SMS
gateway, a steady stream of flows (register, refer, accept, schedule a hearing), and the checks that
count, through the APIs only, what became of every flow.

A flow's client behaves as a careful partner's would: it honours `Retry-After`, retries a refused or
unanswered request, sends an `Idempotency-Key` where the API takes one, and looks before it repeats a
write that has none (a hearing).
"""

from __future__ import annotations

import base64
import json
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from servicekit.devtokens import ensure_dev_keypair, mint_token
from servicekit.testing import REPO_ROOT, Infra, free_port, service_env, unique_name

SERVICES = ("intake", "casework", "advocacy", "education", "notify")
FULL = os.environ.get("REDRESS_FAULTS") == "full"  # `make faults`; the reduced form runs in `make test`
BAMAKO = ZoneInfo("Africa/Bamako")
CALLBACK_TOKEN = "faults-callback-token"
REQUEST_PATIENCE = 240.0


def safe_hours_now() -> dict[str, str]:
    """A safe window around now (Bamako), so the suite never depends on the hour it runs at."""
    now = datetime.now(BAMAKO)
    return {"safe_hours_start": (now - timedelta(hours=1)).strftime("%H:%M"),
            "safe_hours_end": (now + timedelta(hours=4)).strftime("%H:%M")}


@dataclass
class FaultSystem:
    """Five services under the supervisor; kill, stop and count."""

    infra: Infra
    root: Path
    gateway: Any
    namespace: str = field(default_factory=lambda: unique_name("f").replace("_", "") + ".")
    ports: dict[str, int] = field(default_factory=lambda: {s: free_port() for s in SERVICES})
    supervisor: subprocess.Popen[bytes] | None = None
    private_key: Path | None = None
    statuses: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def pids_file(self) -> Path:
        return self.root / "pids.json"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def start(self) -> FaultSystem:
        """Write the supervisor's spec and start it; returns once every API answers."""
        self.private_key, jwks = ensure_dev_keypair(self.root / "keys")
        spec = self.root / "processes.tsv"
        lines = []
        for service in SERVICES:
            env = service_env(service, self.infra, namespace=self.namespace, db=f"{self.namespace[:-1]}_{service}",
                              jwks_file=jwks, port=self.ports[service], extra=self._extra(service))
            for kind in ("api", "worker"):
                argv = ["env", "-i", *[f"{k}={v}" for k, v in env.items()], sys.executable, "-m",
                        f"{service}.entrypoints.{kind}"]
                lines.append(f"{service}-{kind}\t{self.root / f'{service}-{kind}.log'}\t{shlex.join(argv)}")
        spec.write_text("\n".join(lines) + "\n")
        ready = [arg for s in SERVICES for arg in ("--ready", f"{self.url(s)}/healthz")]
        self.supervisor = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "deploy/local/supervise.py"), "--spec", str(spec), "--pids",
             str(self.pids_file), *ready], stdout=(self.root / "supervisor.out").open("wb"),
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        wait_until(lambda: all(self.answers(s) for s in SERVICES), 240, "every API answering")
        return self

    def _extra(self, service: str) -> dict[str, str]:
        prefix = service.upper()
        keys = self.root / "secrets.json"
        if not keys.exists():
            keys.write_text(json.dumps({n: "base64:" + base64.b64encode(os.urandom(32)).decode()
                                        for n in ("kek", "notes")}))
        secrets = json.loads(keys.read_text())
        extra = {f"{prefix}_DEV_SIGNING_KEY_FILE": str(self.private_key), "INTAKE_KEK_SOURCE": secrets["kek"],
                 "CASEWORK_NOTES_KEY_SOURCE": secrets["notes"], f"{prefix}_INTAKE_URL": self.url("intake"),
                 f"{prefix}_LOG_LEVEL": "WARNING"}
        if service == "notify":
            gw = self.gateway
            extra |= {"NOTIFY_SMS_PRIMARY_KIND": "africastalking", "NOTIFY_SMS_PRIMARY_BASE_URL": gw.base_url,
                      "NOTIFY_SMS_PRIMARY_ACCOUNT": gw.at_username, "NOTIFY_SMS_PRIMARY_SECRET": gw.at_api_key,
                      "NOTIFY_SMS_PRIMARY_SENDER": "REDRESS", "NOTIFY_CALLBACK_PHONE": "+223 20 22 33 44",
                      "NOTIFY_CALLBACK_TOKEN": CALLBACK_TOKEN, "NOTIFY_PHONE_INDEX_KEY": "faults-phone-index-key",
                      "NOTIFY_DISPATCHER_POLL_SECONDS": "0.2", "NOTIFY_RETRY_BASE_DELAY_SECONDS": "0.05",
                      "NOTIFY_DISPATCH_STALE_AFTER_SECONDS": "20", "NOTIFY_RECONCILE_INTERVAL_SECONDS": "2",
                      "NOTIFY_UNKNOWN_FLAG_AFTER_SECONDS": "4"}
        return extra

    def stop(self) -> None:
        if self.supervisor is not None and self.supervisor.poll() is None:
            os.killpg(self.supervisor.pid, signal.SIGTERM)
            self.supervisor.wait(60)

    def pids(self) -> dict[str, int]:
        return json.loads(self.pids_file.read_text()) if self.pids_file.exists() else {}

    def answers(self, service: str, path: str = "/healthz") -> bool:
        try:
            return httpx.get(self.url(service) + path, timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def kill(self, process: str) -> float:
        """SIGKILL one process; returns how long until the supervisor's new one answered (APIs) or ran."""
        before = self.pids()[process]
        os.kill(before, signal.SIGKILL)
        started = time.monotonic()
        wait_until(lambda: self.pids().get(process) not in (None, before), 60, f"{process} restarted")
        if process.endswith("-api"):
            wait_until(lambda: self.answers(process.split("-")[0]), 120, f"{process} answering")
        return time.monotonic() - started

    def token(self, role: str, org: str, sub: str | None = None) -> str:
        assert self.private_key is not None
        return mint_token(self.private_key, subject=sub or f"{role}-faults", roles=[role], org=org)

    def client(self, service: str, role: str, org: str, sub: str | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.url(service), timeout=15.0,
                            headers={"Authorization": f"Bearer {self.token(role, org, sub)}"})

    # --- a careful client ---------------------------------------------------------------------

    def call(self, client: httpx.Client, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request, retried while refused (503/429, honouring Retry-After) or unanswered."""
        deadline = time.monotonic() + REQUEST_PATIENCE
        while True:
            try:
                response = client.request(method, path, **kwargs)
                self.count(str(response.status_code))
                if response.status_code not in (429, 502, 503, 504, 500):
                    return response
                pause = min(float(response.headers.get("retry-after", "1")), 5.0)
            except httpx.TransportError as exc:
                self.count(type(exc).__name__)
                pause = 0.5
            if time.monotonic() + pause > deadline:
                raise TimeoutError(f"{method} {path} gave up after {REQUEST_PATIENCE:.0f}s")
            time.sleep(pause)

    def count(self, outcome: str) -> None:
        with self.lock:
            self.statuses[outcome] += 1

    # --- SMS provider reports -------------------------------------------------------------------

    def report_deliveries(self) -> int:
        """Every SMS the gateway accepted is reported delivered, as the provider's callbacks would."""
        import asyncio

        url = f"{self.url('notify')}/webhooks/africastalking/delivery?token={CALLBACK_TOKEN}"
        reported = 0
        for message_id in list(self.gateway._state.sent):
            asyncio.run(self.gateway.post_delivery_report("africastalking", message_id, "Success", url=url))
            reported += 1
        return reported

    def sms_count(self, phone: str) -> int:
        return len([r for r in self.gateway.requests() if r.form.get("to") == phone])


@dataclass
class Flow:
    """One victim from registration to her hearing notice, as the clients saw it."""

    index: int
    phone: str
    victim_id: str | None = None
    referral_id: str | None = None
    case_id: str | None = None
    hearing_id: str | None = None
    started: float = 0.0
    in_inbox: float | None = None
    done: float | None = None
    error: str | None = None


class Load:
    """Flows offered at a steady rate by a few client threads."""

    def __init__(self, system: FaultSystem, run: str) -> None:
        self.system = system
        self.run = run
        self.flows: list[Flow] = []
        self.monitor = system.client("intake", "monitor", "org-amdh")
        self.manager = system.client("casework", "case_manager", "org-legal")
        self.lawyer = system.client("casework", "lawyer", "org-legal", sub="lawyer-faults")

    def offer(self, count: int, rate: float, during: Callable[[], None] | None = None, threads: int = 6) -> None:
        """Start `count` flows at `rate` per second; `during` runs alongside (the fault); waits for all."""
        with ThreadPoolExecutor(max_workers=threads) as pool:
            fault = threading.Thread(target=during) if during else None
            if fault:
                fault.start()
            futures = []
            for _ in range(count):
                flow = Flow(index=len(self.flows), phone=f"+2237{hash((self.run, len(self.flows))) % 10**7:07d}")
                self.flows.append(flow)
                futures.append(pool.submit(self.play, flow))
                time.sleep(1.0 / rate)
            for future in futures:
                future.result()
            if fault:
                fault.join()

    def play(self, flow: Flow) -> None:
        flow.started = time.monotonic()
        try:
            self._register_and_refer(flow)
            self._accept(flow)
            self._schedule(flow)
            flow.done = time.monotonic()
        except Exception as exc:
            flow.error = f"{type(exc).__name__}: {exc}"

    def _register_and_refer(self, flow: Flow) -> None:
        s, key = self.system, f"{self.run}-{flow.index}"
        victim = s.call(self.monitor, "POST", "/victims", headers={"Idempotency-Key": f"{key}-victim"}, json={
            "sex": "female", "age_band": "25-39", "region": "mopti", "identity": {"phone": flow.phone},
            "consent": {"legal_support": True, "notifications": {"granted": True, "channel": "sms", "language": "fr",
                                                                 **safe_hours_now()}}})
        assert victim.status_code in (200, 201), victim.text
        flow.victim_id = victim.json()["id"]
        referral = s.call(self.monitor, "POST", f"/victims/{flow.victim_id}/referrals",
                          headers={"Idempotency-Key": f"{key}-referral"},
                          json={"needs": ["legal_representation"], "urgency": "high"})
        assert referral.status_code in (200, 201), referral.text
        flow.referral_id = referral.json()["referral_id"]

    def _accept(self, flow: Flow) -> None:
        s = self.system
        wait_until(lambda: s.call(self.manager, "GET", f"/referrals/{flow.referral_id}").status_code == 200,
                   REQUEST_PATIENCE, "referral in casework's inbox", pause=0.3)
        flow.in_inbox = time.monotonic()
        accepted = s.call(self.manager, "POST", f"/referrals/{flow.referral_id}/accept",
                          json={"lawyers": ["lawyer-faults"]})
        if accepted.status_code == 409:  # our earlier attempt got through: read the case it opened
            accepted = s.call(self.manager, "GET", f"/referrals/{flow.referral_id}")
        assert accepted.status_code in (200, 201), accepted.text
        flow.case_id = accepted.json()["case_id"]

    def _schedule(self, flow: Flow) -> None:
        s = self.system
        starts_at = (datetime.now(BAMAKO) + timedelta(days=10)).replace(second=0, microsecond=0)
        deadline = time.monotonic() + REQUEST_PATIENCE
        while time.monotonic() < deadline:
            existing = s.call(self.lawyer, "GET", f"/cases/{flow.case_id}/hearings").json()
            if existing:  # no Idempotency-Key on this route: look before repeating an unanswered write
                flow.hearing_id = existing[0]["id"]
                return
            try:
                created = self.lawyer.post(f"/cases/{flow.case_id}/hearings", json={
                    "court": "ml-tgi-bamako-c1", "starts_at": starts_at.isoformat(),
                    "purpose": "civil_party_hearing"})
                s.count(str(created.status_code))
                if created.status_code == 201:
                    flow.hearing_id = created.json()["id"]
                    return
            except httpx.TransportError as exc:
                s.count(type(exc).__name__)
            time.sleep(1.0)
        raise TimeoutError("hearing not scheduled")


def wait_until(check: Callable[[], bool], timeout: float, what: str, pause: float = 0.5) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not reached in {timeout:.0f}s")
        time.sleep(pause)


def notify_view(system: FaultSystem, flows: list[Flow]) -> dict[str, list[dict[str, Any]]]:
    """Each victim's deliveries as notify's staff API shows them."""
    admin = system.client("notify", "notify_admin", "org-legal")
    return {f.victim_id: system.call(admin, "GET", f"/victims/{f.victim_id}/deliveries").json()["deliveries"]
            for f in flows if f.victim_id}


def settle_notices(system: FaultSystem, flows: list[Flow], timeout: float = 240.0) -> dict[str, Any]:
    """Wait until each victim's two notices are out (or unknown); staff send again what is unknown and undelivered.

    Returns figures: how many deliveries ended unknown, were settled by a provider report, or sent again.
    """
    figures = {"unknown": 0, "settled_by_report": 0, "sent_again": 0}
    admin = system.client("notify", "notify_admin", "org-legal")
    deadline = time.monotonic() + timeout
    while True:
        view = notify_view(system, flows)
        notices = [d for ds in view.values() for d in ds if d["kind"] in ("referral_accepted", "hearing_scheduled")]
        waiting = [d for d in notices if d["status"] in ("pending", "dispatching")]
        if len(notices) >= 2 * len(flows) and not waiting:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(waiting)} notices still pending, {len(notices)} of {2 * len(flows)} planned")
        time.sleep(1.0)
    unknown = [d for d in notices if d["status"] == "unknown"]
    figures["unknown"] = len(unknown)
    if unknown:
        system.report_deliveries()  # the provider's delivery reports reach notify
        time.sleep(6)  # two reconciliation passes
        still = system.call(admin, "GET", "/deliveries", params={"status": "unknown"}).json()["deliveries"]
        figures["settled_by_report"] = len(unknown) - len(still)
        for delivery in still:
            answer = system.call(admin, "POST", f"/deliveries/{delivery['id']}/send-again",
                                 json={"reason": "no_report_from_provider"})
            assert answer.status_code in (200, 202), answer.text
            figures["sent_again"] += 1
    return figures


def count_everything(system: FaultSystem, flows: list[Flow]) -> dict[str, Any]:
    """What each service holds for the flows, through its API: every count must be exactly one per flow."""
    monitor = system.client("intake", "monitor", "org-amdh")
    lawyer = system.client("casework", "lawyer", "org-legal", sub="lawyer-faults")
    view = notify_view(system, flows)
    per_flow = []
    for f in flows:
        hearings = system.call(lawyer, "GET", f"/cases/{f.case_id}/hearings").json() if f.case_id else []
        kinds = Counter(d["kind"] for d in view.get(f.victim_id or "", []) if d["status"] in ("sent", "delivered"))
        per_flow.append({
            "victim": system.call(monitor, "GET", f"/victims/{f.victim_id}").status_code if f.victim_id else None,
            "hearings": len(hearings), "referral_notices": kinds["referral_accepted"],
            "hearing_notices": kinds["hearing_scheduled"], "sms": system.sms_count(f.phone)})
    return {"flows": len(flows), "completed": sum(1 for f in flows if f.done),
            "errors": [f.error for f in flows if f.error], "per_flow": per_flow}


def exactly_once(counts: dict[str, Any]) -> list[dict[str, Any]]:
    """The flows for which something was lost or doubled (empty when all is well)."""
    expected = {"victim": 200, "hearings": 1, "referral_notices": 1, "hearing_notices": 1, "sms": 2}
    return [c for c in counts["per_flow"] if c != expected]


def write_results(name: str, figures: dict[str, Any]) -> None:
    """Add a scenario's figures to REDRESS_FAULTS_RESULTS (`make faults`: tests/faults/results/latest.json)."""
    path = Path(os.environ.get("REDRESS_FAULTS_RESULTS") or REPO_ROOT / ".cache/faults/results.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    results = json.loads(path.read_text()) if path.exists() else {}
    results[name] = {**figures, "at": datetime.now(UTC).isoformat(timespec="seconds")}
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
