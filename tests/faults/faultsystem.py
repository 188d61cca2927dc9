"""The system under faults: the five services as processes under `make run`'s supervisor and a local
SMS gateway; a careful client's calls, kills, and the results file. Load in faultload.py, counts in
faultchecks.py."""

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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from servicekit.devtokens import ensure_dev_keypair, mint_token
from servicekit.testing import REPO_ROOT, Infra, eventually_sync, free_port, service_env, unique_name

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
        eventually_sync(lambda: all(self.answers(s) for s in SERVICES), "every API answering", 240)
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
        eventually_sync(lambda: self.pids().get(process) not in (None, before), f"{process} restarted", 60)
        if process.endswith("-api"):
            eventually_sync(lambda: self.answers(process.split("-")[0]), f"{process} answering", 120)
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


def write_results(name: str, figures: dict[str, Any]) -> None:
    """Add a scenario's figures to REDRESS_FAULTS_RESULTS (`make faults`: tests/faults/results/latest.json)."""
    path = Path(os.environ.get("REDRESS_FAULTS_RESULTS") or REPO_ROOT / ".cache/faults/results.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    results = json.loads(path.read_text()) if path.exists() else {}
    results[name] = {**figures, "at": datetime.now(UTC).isoformat(timespec="seconds")}
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
