"""OTLP export: real intake and casework processes send spans to a local OTLP/HTTP receiver, and the
trace of a referral made over HTTP in intake continues in casework's consumer (traceparent on the bus)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from servicekit.testing import REPO_ROOT, free_port

pytestmark = pytest.mark.integration
REFERRED = "intake.victim.referred.v1"


@pytest.fixture(scope="module")
def receiver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The OTLP receiver as its own process on a loopback port; spans land in a JSON-lines file."""
    port, out = free_port(), tmp_path_factory.mktemp("otlp") / "spans.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "servicekit.otlp_receiver", "--port", str(port), "--out", str(out)],
                            cwd=REPO_ROOT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.post(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the OTLP receiver did not start"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", out
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def system(infra, system_starter, receiver, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    otel = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver[0], "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
            "OTEL_TRACES_SAMPLER_ARG": "1.0", "OTEL_BSP_SCHEDULE_DELAY": "200"}
    running = system_starter(infra, ("intake", "casework"), tmp_path_factory.mktemp("otlp-system"),
                             extra_env={"intake": otel, "casework": {**otel, "OTEL_SERVICE_NAME": "casework-eu"}})
    try:
        yield running
    finally:
        for proc in running.processes.values():
            proc.stop()


def spans(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []


def test_one_trace_runs_from_an_intake_request_to_the_casework_consumer(system, receiver):
    monitor = system.client("intake", "monitor", org="org-doc")
    victim = monitor.post("/victims", json={"sex": "female", "age_band": "25-39", "region": "mopti",
                                            "identity": {"name": "Trace Témoin"},
                                            "consent": {"legal_support": True, "sharing": ["org-legal"]}})
    assert victim.status_code == 201, victim.text
    victim_id = victim.json()["id"]
    referral = monitor.post(f"/victims/{victim_id}/referrals", json={
        "needs": ["legal_representation"], "urgency": "high", "receiving_organisation": "org-legal"})
    assert referral.status_code == 201, referral.text

    deadline = time.monotonic() + 90
    while not [s for s in spans(receiver[1]) if s["name"] == f"consume {REFERRED}" and s["service"] == "casework-eu"]:
        assert time.monotonic() < deadline, "casework's consumer span never reached the receiver"
        time.sleep(0.5)
    received = spans(receiver[1])
    request = next(s for s in received if s["service"] == "intake" and s["kind"] == 2  # SERVER
                   and s["name"] == "POST /victims/{victim_id}/referrals")
    publish = next(s for s in received if s["name"] == f"publish {REFERRED}")
    # Intake's own webhooks group consumes the same event too: take casework's span.
    consume = next(s for s in received if s["name"] == f"consume {REFERRED}" and s["service"] == "casework-eu")
    assert publish["service"] == "intake" and publish["trace_id"] == request["trace_id"]
    assert consume["trace_id"] == request["trace_id"]
    assert consume["attributes"]["messaging.consumer.group.name"].endswith("casework.intake")
    assert "Trace Témoin" not in receiver[1].read_text(encoding="utf-8"), "a name reached a span"
