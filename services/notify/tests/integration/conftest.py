"""Fixtures of notify's integration tests: the real stack plus local gateway, SMTP and key servers."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from servicekit.devtokens import ensure_dev_keypair
from servicekit.testing import FakeClock


def load_support(name: str) -> ModuleType:
    """Import tests/support/<name>.py by path (pytest runs with --import-mode=importlib)."""
    module_name = f"notify_test_support_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    path = Path(__file__).resolve().parents[1] / "support" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


gateway_support = load_support("gateway")
smtp_support = load_support("smtp")
keys_support = load_support("keyrelease")
harness_support = load_support("harness")

# Monday 10 March 2025, 10:00 in Bamako (UTC+0 all year): inside the default safe window.
START = datetime(2025, 3, 10, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def dev_keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The development signing key notify signs its key-release token with, and its JWKS."""
    return ensure_dev_keypair(tmp_path_factory.mktemp("notify-keys"))


@pytest.fixture(scope="session")
def key_server(dev_keys: tuple[Path, Path]) -> Iterator[Any]:
    with keys_support.KeyReleaseServer(dev_keys[1]) as server:
        yield server


@pytest.fixture(scope="session")
def sms_gateway() -> Iterator[Any]:
    with gateway_support.LocalGateway(hang_seconds=1.0) as gw:
        yield gw


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[Any]:
    with smtp_support.LocalSmtpServer() as server:
        yield server


@pytest.fixture
async def notify(infra: Any, dev_keys: tuple[Path, Path], key_server: Any, sms_gateway: Any,
                 smtp_server: Any) -> AsyncIterator[Any]:
    """A fresh notify worker (own database and topics) at START, with every channel configured."""
    sms_gateway.reset()
    async with harness_support.running_notify(infra, dev_keys, key_server, FakeClock(START), gateway=sms_gateway,
                                              smtp=smtp_server) as harness:
        yield harness


@pytest.fixture
async def api(notify: Any) -> AsyncIterator[Any]:
    """Notify's HTTP API over the same dependencies as the worker, called in-process (ASGI)."""
    import httpx

    transport = httpx.ASGITransport(app=notify.service.app)
    async with httpx.AsyncClient(transport=transport, base_url=notify.settings.public_base_url) as client:
        yield client


@pytest.fixture
def token(dev_keys: tuple[Path, Path]) -> Any:
    """Mint a development token for a role."""
    from servicekit.devtokens import mint_token

    def mint(role: str, sub: str = "staff-1") -> dict[str, str]:
        return {"Authorization": "Bearer " + mint_token(dev_keys[0], subject=sub, roles=[role], org="org-amdh")}

    return mint


@pytest.fixture
async def bare_notify(infra: Any, dev_keys: tuple[Path, Path], key_server: Any) -> AsyncIterator[Any]:
    """Notify with no SMS provider, no SMTP server and no callback number: as the system tests start it."""
    async with harness_support.running_notify(infra, dev_keys, key_server, FakeClock(START),
                                              callback_phone=None) as harness:
        yield harness
