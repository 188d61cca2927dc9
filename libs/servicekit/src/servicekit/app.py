"""The FastAPI application shape every service shares."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.telemetry import TelemetryConfig

from .auth import install_auth_handlers
from .availability import install_availability_handlers
from .contract_shapes import with_problem_responses
from .cors import check_origin, with_cors
from .docs import install_docs
from .health import ReadinessCheck, health_router
from .i18n import Catalogue, catalogue
from .input_guard import InputGuard, NoStore
from .metrics import HttpMetrics, Refresher, metrics_router
from .overload import Limits, OverloadGuard
from .problems import install_problem_handlers
from .server_spans import ServerSpans
from .settings import BaseServiceSettings

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]
# FastAPI's own telemetry would record each request's raw path and query (ids, search words), log
# exception messages (which can quote the input) and add a span per dependency and per endpoint:
# the kit's ServerSpans trace a request instead, and its Prometheus metrics count it.
NO_FASTAPI_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False,
                                         "operation_spans": False}


def create_app(*, settings: BaseServiceSettings, title: str, description: str, routers: Sequence[APIRouter],
               lifespan: Lifespan | None = None, readiness_checks: dict[str, ReadinessCheck] | None = None,
               token_verifier: Any = None, upload_max_bytes: int | None = None, version: str = "0.1.0",
               metric_refreshers: Sequence[Refresher] = (), messages: Catalogue | None = None) -> FastAPI:
    """Problem+json errors, the input guard, CORS, overload shedding, health, metrics, offline docs, tracing."""
    # FastAPI's own /docs and /redoc load their scripts from a CDN: replaced by install_docs below.
    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan, docs_url=None,
                  redoc_url=None, telemetry=NO_FASTAPI_TELEMETRY)
    app.state.readiness_checks = readiness_checks or {}
    app.state.token_verifier = token_verifier
    app.state.messages = messages or catalogue()  # problem texts: the kit's plus the service's codes
    install_problem_handlers(app)
    install_auth_handlers(app)
    install_availability_handlers(app, retry_after=settings.unavailable_retry_after_seconds)
    app.add_middleware(InputGuard, max_body_bytes=settings.max_body_bytes, upload_max_bytes=upload_max_bytes)
    app.add_middleware(NoStore)
    app.add_middleware(HttpMetrics)  # input-guard refusals are counted too
    app.add_middleware(ServerSpans)  # outermost of the app's own: a refusal or a 500 is traced as well
    app.include_router(health_router())
    app.include_router(metrics_router(metric_refreshers))
    install_docs(app)
    for router in routers:
        app.include_router(router)
    generate = app.openapi
    app.openapi = lambda: with_problem_responses(generate())  # type: ignore[method-assign]
    wrap_outside(app, overload_limits(settings), settings.cors_allowed_origins)
    return app


def wrap_outside(app: FastAPI, limits: Limits, origins: Sequence[str]) -> None:
    """CORS, then the overload guard, outside everything (tracing and error pages included).

    The guard comes first so a shed request costs next to nothing; CORS wraps it so a preflight is
    answered without queueing and a shed 503, a denial or a 500 still carries the CORS headers a
    browser needs to read its status and `Retry-After`.
    """
    allowed = [check_origin(origin) for origin in origins]  # a bad origin fails at start, not at first call
    build = app.build_middleware_stack
    app.build_middleware_stack = (  # type: ignore[method-assign]
        lambda: with_cors(OverloadGuard(build(), limits=limits), allowed))


def overload_limits(settings: BaseServiceSettings) -> Limits:
    """The overload guard's limits from the service's settings."""
    s = settings
    return Limits(max_concurrent=s.http_max_concurrent_requests, max_waiting=s.http_max_waiting_requests,
                  wait_seconds=s.http_queue_wait_seconds, deadline_seconds=s.http_request_deadline_seconds,
                  retry_after=s.http_overload_retry_after_seconds)
