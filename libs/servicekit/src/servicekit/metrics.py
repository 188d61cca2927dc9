"""Prometheus metrics of a service, served by its API at `/metrics` (labels are codes, never PII).

Counters of this process live in the default registry. Figures that only the store knows (work
a worker process left for staff, for example) are gauges refreshed from the store at each scrape
by the async refreshers a service registers with `metrics_router`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest

log = logging.getLogger("servicekit.metrics")
Refresher = Callable[[], Awaitable[None]]

requests_shed = Counter("redress_http_requests_shed_total", "Requests answered 503 by the overload guard",
                        ["reason"])
dependency_unavailable = Counter("redress_http_dependency_unavailable_total",
                                 "Requests answered 503 because a dependency was unreachable", ["dependency"])


def metrics_router(refreshers: Sequence[Refresher] = ()) -> APIRouter:
    """`GET /metrics` in Prometheus' text format, after refreshing the store-backed gauges."""
    router = APIRouter(tags=["health"])

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def prometheus_metrics() -> Response:
        for refresh in refreshers:
            try:
                await refresh()
            except Exception as exc:  # a store that is away must not hide the process's own counters
                log.warning("metric refresh failed: %s", type(exc).__name__)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
