"""Prometheus metrics of a service: `/metrics` on its API and on its worker's metrics port.

Labels are codes (route templates, groups, topics, statuses), never ids or PII. Counters of this
process live in the default registry. Figures that only the store or the broker knows (outbox depth,
consumer lag) are gauges refreshed at each scrape by the async refreshers a process registers.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

log = logging.getLogger("servicekit.metrics")
Refresher = Callable[[], Awaitable[None]]
# A scrape answers within the probe's timeout even when the store or the broker hangs.
REFRESH_TIMEOUT_SECONDS = 3.0
# Any other method a client invents is counted as "other": labels stay a small, known set.
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

requests_shed = Counter("redress_http_requests_shed_total", "Requests answered 503 by the overload guard",
                        ["reason"])
dependency_unavailable = Counter("redress_http_dependency_unavailable_total",
                                 "Requests answered 503 because a dependency was unreachable", ["dependency"])
http_requests = Counter("redress_http_requests_total", "HTTP requests answered, by route template and status",
                        ["method", "route", "status"])
http_duration = Histogram("redress_http_request_duration_seconds", "Time to answer an HTTP request",
                          ["method", "route"],
                          buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
relay_publish = Histogram("redress_relay_publish_duration_seconds",
                          "Time from handing a relay batch to the broker to its last acknowledgement",
                          buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120))
relay_delay = Histogram("redress_relay_event_delay_seconds",
                        "Time from an event's outbox entry to the broker's acknowledgement of it",
                        buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300))
relay_published = Counter("redress_relay_published_events_total", "Events the relay published", ["topic"])
consumed = Counter("redress_consumer_records_total",
                   "Records a consumer group finished with (handled, skipped or dead-lettered)", ["group", "topic"])
dead_letters = Counter("redress_dead_letters_total", "Records this process sent to a dead-letter topic",
                       ["group", "topic"])


def observe_published(entries: Sequence[dict[str, Any]], started: float) -> None:
    """Relay hook: a batch sent at `started` (perf_counter) was acknowledged; entries hold `topic`, `created_at`."""
    if not entries:
        return
    relay_publish.observe(time.perf_counter() - started)
    now = time.time()
    for entry in entries:
        relay_delay.observe(max(0.0, now - entry["created_at"]))
        relay_published.labels(topic=entry["topic"]).inc()


def observe_consumed(group: str, topic: str) -> None:
    """Consumer hook: one record is done with and its offset may move past it."""
    consumed.labels(group=group, topic=topic).inc()


def observe_dead_letter(group: str, topic: str) -> None:
    """Consumer hook: one record of `topic` went to the group's dead-letter topic."""
    dead_letters.labels(group=group, topic=topic).inc()


async def exposition(refreshers: Sequence[Refresher]) -> bytes:
    """The text exposition after refreshing the store- and broker-backed gauges."""
    for refresh in refreshers:
        try:
            await asyncio.wait_for(refresh(), REFRESH_TIMEOUT_SECONDS)
        except Exception as exc:  # a dependency that is away must not hide the process's own counters
            log.warning("metric refresh failed: %s", type(exc).__name__)
    return generate_latest()


def metrics_router(refreshers: Sequence[Refresher] = ()) -> APIRouter:
    """`GET /metrics` in Prometheus' text format, after refreshing the store-backed gauges."""
    router = APIRouter(tags=["health"])

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def prometheus_metrics() -> Response:
        return Response(await exposition(refreshers), media_type=CONTENT_TYPE_LATEST)

    return router


def route_template(scope: dict[str, Any]) -> str | None:
    """The template of the route the router matched (it records it in the scope), never the raw path."""
    return getattr(scope.get("route"), "path", None)


class HttpMetrics:
    """ASGI middleware counting requests and their duration per route template (never the raw path)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def send_status(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            # An unmatched path stays unnamed.
            route = route_template(scope) or "unmatched"
            method = scope.get("method", "") if scope.get("method") in METHODS else "other"
            http_requests.labels(method=method, route=route, status=str(status)).inc()
            http_duration.labels(method=method, route=route).observe(time.perf_counter() - started)


async def serve_metrics(host: str, port: int, refreshers: Sequence[Refresher], stop: asyncio.Event) -> None:
    """A worker's `/metrics` (and `/healthz`) until `stop`: a tiny HTTP server in the worker's own event loop,
    so a scrape that answers also proves the loop is alive (the chart's liveness probe reads it)."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
            method, target = [*request.split(b" ", 2), b"", b""][:2]
            status, kind, body = await _worker_page(method, target.split(b"?", 1)[0], refreshers)
            head = (f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
                    "Connection: close\r\n\r\n")
            writer.write(head.encode() + body)
            await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
            pass  # a probe that hung up or sent garbage gets nothing
        finally:
            writer.close()

    server = await asyncio.start_server(answer, host, port, limit=8192)
    log.info("worker metrics on %s:%d/metrics", host, port)
    async with server:
        await stop.wait()


async def _worker_page(method: bytes, path: bytes, refreshers: Sequence[Refresher]) -> tuple[str, str, bytes]:
    """Status line, content type and body of the worker's answer to one request."""
    if method == b"GET" and path == b"/metrics":
        return "200 OK", CONTENT_TYPE_LATEST, await exposition(refreshers)
    if method == b"GET" and path == b"/healthz":
        return "200 OK", "application/json", b'{"status":"ok"}'
    return "404 Not Found", "text/plain", b"not found\n"
