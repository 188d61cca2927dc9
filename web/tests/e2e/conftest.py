"""Fixtures of the web app's browser tests: the built app on its static host, the five services with
the identity provider's issuer and the app's origin allowed, and Debian's Chromium under Playwright."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from servicekit.testing import Infra
from web_browser import CHROMIUM, CHROMIUM_ARGS, CHROMIUM_ENV, ROOT, PageWatch
from web_host import SERVICES, serve

DEFAULT_ORIGINS = "http://127.0.0.1:8090,http://localhost:8090"


def _system_fixtures() -> ModuleType:
    """The root suite's tests/conftest.py (start_system), loaded by path (importlib mode adds no test dir)."""
    spec = importlib.util.spec_from_file_location("redress_system_conftest", ROOT / "tests" / "conftest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's chromium (install.sh installs it); the browser tests are skipped without it."""
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: run deploy/local/install.sh (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def web_dist() -> Path:
    """The built app; built now when `make web` has not run."""
    dist = ROOT / "web" / "dist"
    if not (dist / "index.html").exists():
        subprocess.run(["npm", "--prefix", str(ROOT / "web"), "run", "build"], check=True, capture_output=True)
    return dist


@pytest.fixture(scope="session")
def web_origin() -> str:
    """The app's origin: the first origin the identity provider was started with whose port is free here."""
    for origin in os.environ.get("REDRESS_WEB_ORIGINS", DEFAULT_ORIGINS).split(","):
        origin = origin.strip().rstrip("/")
        if origin.startswith("http://127.0.0.1:") and _port_free(int(origin.rsplit(":", 1)[1])):
            return origin
    pytest.skip("no free http://127.0.0.1:<port> origin in REDRESS_WEB_ORIGINS for the app under test")


@pytest.fixture(scope="session")
def issuer() -> str:
    """The identity provider's issuer (deploy/local/env.sh); the tests that sign in need it running."""
    issuer = os.environ.get("REDRESS_OIDC_ISSUER") or \
        f"http://127.0.0.1:{os.environ.get('IDP_PORT', '18080')}/realms/redress"
    try:
        httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=5.0).raise_for_status()
    except httpx.HTTPError:
        pytest.skip(f"the identity provider does not answer at {issuer} (deploy/local/stack.sh up starts it)")
    return issuer


@pytest.fixture(scope="session")
def sms_gateway() -> Iterator[Any]:
    """The carrier's side: a loopback SMS gateway speaking Africa's Talking's API (tests/security)."""
    sys.path.append(str(ROOT / "tests" / "security"))
    from security_sms_sink import SmsSink

    with SmsSink() as sink:
        yield sink


@pytest.fixture(scope="session")
def web_system(infra: Infra, issuer: str, web_origin: str, sms_gateway: Any,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The five services as processes, trusting the provider and allowing the app's origin; notify texts
    through the loopback gateway."""
    extra = {s: {f"{s.upper()}_OIDC_ISSUER": issuer, f"{s.upper()}_CORS_ALLOWED_ORIGINS": json.dumps([web_origin])}
             for s in SERVICES}
    extra["notify"].update({
        "NOTIFY_SMS_PRIMARY_KIND": "africastalking", "NOTIFY_SMS_PRIMARY_BASE_URL": sms_gateway.url,
        "NOTIFY_SMS_PRIMARY_ACCOUNT": "sandbox", "NOTIFY_SMS_PRIMARY_SECRET": "loopback-sink",
        "NOTIFY_SMS_PRIMARY_SENDER": "REDRESS", "NOTIFY_CALLBACK_PHONE": "+223 20 22 33 44",
        "NOTIFY_DISPATCHER_POLL_SECONDS": "0.5",
        # A send left without an outcome by a dead worker is settled `unknown` after this (the send-again journey).
        "NOTIFY_DISPATCH_STALE_AFTER_SECONDS": "5"})
    system = _system_fixtures().start_system(infra, SERVICES, tmp_path_factory.mktemp("web"), extra_env=extra)
    yield system
    for proc in system.processes.values():
        proc.stop()


@pytest.fixture(scope="session")
def web_app(web_dist: Path, web_system: Any, web_origin: str, issuer: str) -> Iterator[str]:
    """The built app served on its origin, configured with the services under test and the provider."""
    proc = serve(web_dist, web_origin, issuer, {s: web_system.url(s) for s in SERVICES})
    yield web_origin
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="session")
async def playwright_driver() -> AsyncIterator[Any]:
    """Playwright's async API in the suite's event loop."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
async def playwright_browser(playwright_driver: Any, chromium_path: Path) -> AsyncIterator[Any]:
    """One Chromium for the session."""
    browser = await playwright_driver.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS,
                                                      headless=True, env={**os.environ, **CHROMIUM_ENV})
    yield browser
    await browser.close()


CONTEXT_OPTIONS: dict[str, Any] = {"viewport": {"width": 360, "height": 780}, "locale": "fr-FR",
                                   "timezone_id": "Africa/Bamako", "service_workers": "allow"}


@pytest.fixture
async def browser_context(playwright_browser: Any) -> AsyncIterator[Any]:
    """A fresh profile at 360 px, in French, on Bamako's clock."""
    context = await playwright_browser.new_context(**CONTEXT_OPTIONS)
    context.set_default_timeout(20_000)
    yield context
    await context.close()


@pytest.fixture
async def new_context(playwright_browser: Any) -> AsyncIterator[Callable[[], Awaitable[Any]]]:
    """Fresh profiles on demand, one per person of a journey (each signs in on its own), closed at the end."""
    opened: list[Any] = []

    async def make() -> Any:
        context = await playwright_browser.new_context(**CONTEXT_OPTIONS)
        context.set_default_timeout(20_000)
        opened.append(context)
        return context

    yield make
    for context in opened:
        await context.close()


@pytest.fixture
def watch() -> PageWatch:
    """CSP violations and page errors seen during a test."""
    return PageWatch()
