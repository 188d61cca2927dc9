"""Fixtures of the system fault suite: the five services under the supervisor, a local SMS gateway.

`make test` runs the reduced form (a few kills, short outages, tens of flows); `make faults` sets
REDRESS_FAULTS=full (every process killed, the issue's outage lengths, more flows).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servicekit.testing import REPO_ROOT, Infra

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.append(str(HERE))

from faultsystem import FaultSystem  # noqa: E402


def _gateway_module() -> Any:
    name = "notify_test_support_gateway"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "services/notify/tests/support/gateway.py")
        assert spec is not None and spec.loader is not None
        sys.modules[name] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="package")
def faults_system(infra: Infra, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultSystem]:
    """The five services as processes under the supervisor, notify texting a local gateway."""
    with _gateway_module().LocalGateway(hang_seconds=1.0) as gateway:
        # Logs and pids kept under .cache/logs/faults (a temporary folder is gone before anyone reads it).
        root = REPO_ROOT / ".cache/logs/faults" / tmp_path_factory.mktemp("faults").parent.name
        root.mkdir(parents=True, exist_ok=True)
        system = FaultSystem(infra, root, gateway).start()
        try:
            yield system
        finally:
            system.stop()


@pytest.fixture
def managed(infra: Infra) -> None:
    """Stopping the broker or the store is allowed only on a stack this test run owns."""
    if not infra.managed:
        pytest.skip("the stack is not owned by this run (REDRESS_STACK_MANAGED != 1)")
