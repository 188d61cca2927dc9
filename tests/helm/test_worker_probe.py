"""The worker's readiness probe (files/worker_ready.py) against the real broker and store."""

from __future__ import annotations

import os
import subprocess
import sys

import chart_check
import pytest
from servicekit.testing import free_port

pytestmark = pytest.mark.integration
PROBE = chart_check.CHART / "files" / "worker_ready.py"


def _probe(kafka: str, mongo: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDUCATION_")}
    env |= {"EDUCATION_KAFKA_BOOTSTRAP": kafka, "EDUCATION_MONGO_URL": mongo}
    return subprocess.run([sys.executable, str(PROBE), "education"], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_worker_probe_passes_when_store_and_broker_answer(infra):
    result = _probe(infra.kafka_bootstrap, infra.mongo_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["store=ok", "broker=ok"]


def test_worker_probe_fails_when_the_broker_is_unreachable(infra):
    result = _probe(f"127.0.0.1:{free_port()}", infra.mongo_url)
    assert result.returncode == 1
    assert result.stdout.split() == ["store=ok", "broker=unreachable"]


def test_worker_probe_fails_when_the_store_is_unreachable(infra):
    result = _probe(infra.kafka_bootstrap, f"mongodb://127.0.0.1:{free_port()}/")
    assert result.returncode == 1
    assert result.stdout.split() == ["store=unreachable", "broker=ok"]
