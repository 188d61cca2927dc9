"""`make run` on free ports: its supervisor restarts a service process that dies, serves the web app, and a
background start (SIGINT ignored, as a non-interactive shell leaves it) still stops everything on SIGINT,
leaving nothing behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from servicekit.testing import REPO_ROOT, Infra, eventually_sync, free_port, unique_name

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]  # ten processes start on a shared machine
SERVICES = ("intake", "casework", "advocacy", "education", "notify")


@dataclass
class MakeRun:
    proc: subprocess.Popen[bytes]
    ports: dict[str, int]
    web_port: int
    pids_file: Path
    output: Path

    def pids(self) -> dict[str, int]:
        return json.loads(self.pids_file.read_text()) if self.pids_file.exists() else {}

    def answers(self, service: str) -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{self.ports[service]}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}/stat").exists() else "X"
    return state != "Z"


@pytest.fixture(scope="module")
def make_run(infra: Infra, tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeRun]:
    kafka_port, store_port = urlparse(f"//{infra.kafka_bootstrap}").port, urlparse(infra.mongo_url).port
    env = {**os.environ, "KAFKA_PORT": str(kafka_port), "FERRETDB_PORT": str(store_port)}
    if os.environ.get("REDRESS_OIDC_ISSUER"):  # the provider this session runs, so `stack.sh up` starts nothing
        env["IDP_PORT"] = str(urlparse(os.environ["REDRESS_OIDC_ISSUER"]).port)
    if subprocess.run([str(REPO_ROOT / "deploy/local/stack.sh"), "status"], env=env, capture_output=True,
                      check=False).returncode != 0:
        pytest.skip("make run needs the project's local stack (deploy/local) to be the one running")
    ports = {service: free_port() for service in SERVICES}
    web_port = free_port()  # REDRESS_WEB_ORIGINS left as it is: another value would restart the provider
    namespace = unique_name("mr").replace("_", "") + "."
    logs = tmp_path_factory.mktemp("make-run")
    env |= {f"{s.upper()}_HTTP_PORT": str(p) for s, p in ports.items()} | {
        "REDRESS_SMS_SINK_PORT": str(free_port()), "REDRESS_WEBHOOK_RECEIVER_PORT": str(free_port()),
        "WEB_PORT": str(web_port), "REDRESS_RUN_NAMESPACE": namespace,
        "REDRESS_RUN_DEMO": "0",
        "REDRESS_RUN_LOGS": str(logs)}
    env.pop("REDRESS_RUN_SIGINT_RESET", None)
    output = logs / "make-run.out"
    with output.open("wb") as out:
        # As a non-interactive shell starts a background job: SIGINT ignored, a session of its own.
        proc = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=REPO_ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    run = MakeRun(proc, ports, web_port, REPO_ROOT / ".cache/run" / f"{namespace.rstrip('.')}-pids.json", output)
    try:
        # The web app is built before the supervisor starts: on a loaded machine that takes minutes.
        eventually_sync(lambda: all(run.answers(s) for s in SERVICES), "all five APIs answering", 420)
        yield run
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(60)


def test_make_run_restarts_a_service_process_that_was_killed(make_run: MakeRun) -> None:
    before = make_run.pids()
    os.kill(before["intake-api"], signal.SIGKILL)
    os.kill(before["notify-worker"], signal.SIGKILL)
    eventually_sync(lambda: make_run.pids().get("intake-api") not in (None, before["intake-api"]),
                    "a new intake-api", 30)
    eventually_sync(lambda: make_run.answers("intake"), "intake answering again", 120)
    restarted_worker = make_run.pids()["notify-worker"]
    assert restarted_worker != before["notify-worker"] and alive(restarted_worker)
    assert "intake-api exited with code -9" in make_run.output.read_text()


def test_make_run_serves_the_web_app_configured_for_its_services(make_run: MakeRun) -> None:
    eventually_sync(lambda: "web" in make_run.pids(), "the web app's server supervised", 30)
    config = httpx.get(f"http://127.0.0.1:{make_run.web_port}/config.json", timeout=5).json()
    assert config["services"] == {s: f"http://127.0.0.1:{port}" for s, port in make_run.ports.items()}
    page = httpx.get(f"http://127.0.0.1:{make_run.web_port}/", timeout=5)
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_make_run_started_in_the_background_stops_everything_on_sigint(make_run: MakeRun) -> None:
    pids = make_run.pids()
    assert len(pids) == 13  # ten service processes, the SMS sink, the webhook receiver and the web app's server
    os.killpg(make_run.proc.pid, signal.SIGINT)  # what Ctrl-C does to the foreground group
    assert make_run.proc.wait(60) != 0
    assert [name for name, pid in pids.items() if alive(pid)] == []
    assert not make_run.pids_file.exists()
