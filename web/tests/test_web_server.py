"""The web app's static host: config.json, app routes, and the security headers on every answer."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("web_server", ROOT / "deploy" / "local" / "web_server.py")
assert _spec and _spec.loader
web_server = importlib.util.module_from_spec(_spec)
sys.modules["web_server"] = web_server  # dataclasses look their module up by name
_spec.loader.exec_module(web_server)

SERVICES = {name: f"http://127.0.0.1:{8001 + i}" for i, name in enumerate(web_server.SERVICES)}


@pytest.fixture
def client(tmp_path: Path) -> httpx.AsyncClient:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>Redress</title>")
    (tmp_path / "assets" / "app-abc.js").write_text("console.log(1)")
    (tmp_path / "sw.js").write_text("self.x = 1")
    (tmp_path.parent / "secret.txt").write_text("outside")
    config = web_server.WebConfig(tmp_path, "http://127.0.0.1:18080/realms/redress", "redress-web", SERVICES)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=web_server.WebApp(config)), base_url="http://web")


async def test_config_json_names_the_issuer_the_client_and_every_service(client: httpx.AsyncClient) -> None:
    response = await client.get("/config.json")
    assert response.json() == {"issuer": "http://127.0.0.1:18080/realms/redress", "clientId": "redress-web",
                               "services": SERVICES}


async def test_app_routes_get_the_shell_and_missing_files_get_404(client: httpx.AsyncClient) -> None:
    assert "Redress" in (await client.get("/incidents/abc")).text
    assert "Redress" in (await client.get("/auth/callback?code=x&state=y")).text
    assert (await client.get("/assets/missing.js")).status_code == 404


async def test_no_file_outside_the_build_is_served(client: httpx.AsyncClient, tmp_path: Path) -> None:
    app = web_server.WebApp(web_server.WebConfig(tmp_path, "http://i", "c", SERVICES))
    assert app.resolve("/../secret.txt") is None
    assert app.resolve("/%2e%2e/secret.txt") is None
    assert "outside" not in (await client.get("/../secret.txt")).text


async def test_csp_allows_only_this_origin_for_code_and_the_configured_origins_for_connections(
        client: httpx.AsyncClient) -> None:
    csp = (await client.get("/")).headers["content-security-policy"]
    directives = dict(d.split(" ", 1) for d in csp.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    connect = directives["connect-src"].split()
    assert set(connect) == {"'self'", "http://127.0.0.1:18080", *SERVICES.values()}
    assert "unsafe-inline" not in csp and "*" not in csp


async def test_every_answer_carries_the_security_headers(client: httpx.AsyncClient) -> None:
    for path in ("/", "/config.json", "/assets/app-abc.js", "/nope.png"):
        headers = (await client.get(path)).headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "no-referrer", path
        assert "content-security-policy" in headers, path


async def test_hashed_assets_are_cached_for_good_and_the_shell_is_revalidated(client: httpx.AsyncClient) -> None:
    assert "immutable" in (await client.get("/assets/app-abc.js")).headers["cache-control"]
    for path in ("/", "/sw.js", "/config.json"):
        assert (await client.get(path)).headers["cache-control"] == "no-cache", path
    assert (await client.get("/sw.js")).headers["content-type"].startswith("text/javascript")


async def test_only_reads_are_answered(client: httpx.AsyncClient) -> None:
    assert (await client.post("/config.json", content=json.dumps({}))).status_code == 405
