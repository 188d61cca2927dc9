"""The five services as real processes for the pipeline bench, with a loopback SMS gateway that notes
when each message arrives (the last hop of a flow)."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from servicekit.devtokens import ensure_dev_keypair, mint_token
from servicekit.testing import REPO_ROOT, Infra, ServiceProcess, free_port, service_env

SERVICES = ("intake", "casework", "advocacy", "education", "notify")


class SmsGateway:
    """Africa's Talking's messaging API on loopback; `arrivals(phone)` lists (time, message) per number."""

    def __init__(self, port: int = 0) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._arrivals: dict[str, list[tuple[float, str]]] = {}
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's naming
                arrived = time.time()
                form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode())
                to = form.get("to", [""])[0].replace(" ", "")
                with gateway._lock:
                    gateway._arrivals.setdefault(to, []).append((arrived, form.get("message", [""])[0]))
                body = json.dumps({"SMSMessageData": {"Message": "Sent to 1/1", "Recipients": [{
                    "statusCode": 101, "number": "masked", "status": "Success", "cost": "XOF 0",
                    "messageId": f"ATXid_{uuid.uuid4().hex[:16]}"}]}}).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:  # no phone numbers in the bench output
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def arrivals(self, phone: str) -> list[tuple[float, str]]:
        with self._lock:
            return list(self._arrivals.get(phone.replace(" ", ""), ()))

    def close(self) -> None:
        self._server.shutdown()


@dataclass
class Services:
    """Running services: their URLs, databases, topic namespace, and tokens for any role."""

    namespace: str
    db_prefix: str
    private_key: Path
    port_base: int = 0  # services at port_base + 1..5 (intake first); 0: any free port
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, ServiceProcess] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def db(self, service: str) -> str:
        return f"{self.db_prefix}_{service}"

    def headers(self, role: str, org: str, sub: str | None = None) -> dict[str, Any]:
        token = mint_token(self.private_key, subject=sub or f"{role}-bench", roles=[role], org=org)
        return {"Authorization": f"Bearer {token}"}

    def start(self, infra: Infra, tmp: Path, sms_url: str) -> None:
        """Start every service (API and worker), as the system tests do; stop all if one fails."""
        self.private_key, jwks = ensure_dev_keypair(tmp / "keys")
        self.ports = {service: self.port_base + i if self.port_base else free_port()
                      for i, service in enumerate(SERVICES, start=1)}
        secrets = {"INTAKE_KEK_SOURCE": _key(), "CASEWORK_NOTES_KEY_SOURCE": _key()}
        notify = {"NOTIFY_SMS_PRIMARY_KIND": "africastalking", "NOTIFY_SMS_PRIMARY_BASE_URL": sms_url,
                  "NOTIFY_SMS_PRIMARY_ACCOUNT": "sandbox", "NOTIFY_SMS_PRIMARY_SECRET": "loopback",
                  "NOTIFY_SMS_PRIMARY_SENDER": "REDRESS", "NOTIFY_CALLBACK_PHONE": "+223 20 22 33 44",
                  "NOTIFY_CALLBACK_TOKEN": "bench-callback-token", "NOTIFY_PHONE_INDEX_KEY": "bench-phone-index",
                  # The carrier's rate limit is a deployment setting (5/s by default): the bench measures
                  # the system, so it lifts it well above what it offers.
                  "NOTIFY_SMS_PRIMARY_RATE_PER_SECOND": "200"}
        log_dir = REPO_ROOT / ".cache" / "logs" / "bench" / self.namespace.rstrip(".")
        try:
            for service in SERVICES:
                extra = {f"{service.upper()}_DEV_SIGNING_KEY_FILE": str(self.private_key),
                         f"{service.upper()}_INTAKE_URL": self.url("intake"), "LOG_LEVEL": "WARNING",
                         f"{service.upper()}_LOG_LEVEL": "WARNING", **secrets, **self.extra_env,
                         **(notify if service == "notify" else {})}
                env = service_env(service, infra, namespace=self.namespace, db=self.db(service), jwks_file=jwks,
                                  port=self.ports[service], extra=extra)
                for kind in ("api", "worker"):
                    process = ServiceProcess(service, kind, env, log_dir / f"{service}-{kind}.log",
                                             port=self.ports[service] if kind == "api" else None)
                    self.processes[f"{service}:{kind}"] = process
                    process.start()
            for service in SERVICES:
                self.processes[f"{service}:api"].wait_healthy(timeout=180)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()

    def pids(self) -> dict[str, int]:
        """`<service>:<api|worker>` -> pid of each running process."""
        return {name: p.proc.pid for name, p in self.processes.items() if p.proc is not None}


def _key() -> str:
    return "base64:" + base64.b64encode(os.urandom(32)).decode()
