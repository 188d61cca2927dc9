"""What the CLI asks the services over HTTP: probes, metrics, the integrity pages, admin actions."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

SERVICES = ("intake", "casework", "advocacy", "education", "notify")
DEFAULT_PORTS = {"intake": 8001, "casework": 8002, "advocacy": 8003, "education": 8004, "notify": 8005}
TIMEOUT = httpx.Timeout(30.0, connect=5.0)


class RemoteError(Exception):
    """A service answered with an error (its problem's detail, never a body with data)."""

    def __init__(self, service: str, status: int, detail: str) -> None:
        super().__init__(f"{service} {status}: {detail}")
        self.service, self.status, self.detail = service, status, detail


def service_urls(given: list[str], environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each service's base URL: `--url service=URL`, else REDRESS_<SERVICE>_URL, else loopback 8001-8005."""
    env = os.environ if environ is None else environ
    urls = {s: env.get(f"REDRESS_{s.upper()}_URL", f"http://127.0.0.1:{DEFAULT_PORTS[s]}") for s in SERVICES}
    for pair in given:
        name, _, url = pair.partition("=")
        if name not in SERVICES or not url:
            raise ValueError(pair)
        urls[name] = url.rstrip("/")
    return urls


@dataclass(frozen=True)
class Status:
    """One service as `redress status` shows it (None: not known, the service did not answer)."""

    alive: bool
    ready: dict[str, bool] | None
    outbox: float | None
    oldest_seconds: float | None
    lag: dict[str, float]
    dead_letters: float | None


def status_of(url: str) -> Status:
    """Probe, readiness and the pipeline gauges of the API's `/metrics` (no token needed)."""
    try:
        alive = httpx.get(f"{url}/healthz", timeout=TIMEOUT).status_code == 200
        ready_body = httpx.get(f"{url}/readyz", timeout=TIMEOUT).json()
        page = httpx.get(f"{url}/metrics", timeout=TIMEOUT).text
    except (httpx.TransportError, ValueError):
        return Status(False, None, None, None, {}, None)
    samples = [s for family in text_string_to_metric_families(page) for s in family.samples]
    lag: dict[str, float] = {}
    for s in samples:
        if s.name == "redress_consumer_lag_records":
            lag[s.labels["group"]] = lag.get(s.labels["group"], 0.0) + s.value
    checks = ready_body.get("checks", {}) if isinstance(ready_body, dict) else {}
    return Status(alive=alive, ready={k: v == "ok" for k, v in checks.items()},
                  outbox=_one(samples, "redress_outbox_pending_events"),
                  oldest_seconds=_one(samples, "redress_outbox_oldest_pending_age_seconds"),
                  lag=lag, dead_letters=_sum(samples, "redress_dead_letter_topic_records"))


def _one(samples: list[Any], name: str) -> float | None:
    return next((s.value for s in samples if s.name == name), None)


def _sum(samples: list[Any], name: str) -> float | None:
    values = [s.value for s in samples if s.name == name]
    return sum(values) if values else 0.0


class Client:
    """Authenticated calls to one service, refusing loudly (RemoteError) on any error answer."""

    def __init__(self, service: str, url: str, token: str) -> None:
        self.service = service
        self.http = httpx.Client(base_url=url, timeout=TIMEOUT, headers={"Authorization": f"Bearer {token}",
                                                                         "Accept-Language": "fr, en;q=0.5"})

    def call(self, method: str, path: str, **params: Any) -> dict[str, Any]:
        response = self.http.request(method, path, params={k: v for k, v in params.items() if v is not None})
        if response.status_code >= 400:
            try:
                body = response.json()
                detail = body.get("detail") or body.get("title") or ""
            except ValueError:
                detail = ""
            raise RemoteError(self.service, response.status_code, str(detail))
        result: dict[str, Any] = response.json()
        return result

    def integrity_pages(self, page: int) -> Iterator[dict[str, Any]]:
        """`GET /integrity` page after page until the last."""
        after = None
        while True:
            report = self.call("GET", "/integrity", limit=page, after=after)
            yield report
            after = report.get("next_after")
            if after is None:
                return
