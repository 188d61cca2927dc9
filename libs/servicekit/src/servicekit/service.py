"""The parts every service wires the same way: store, event store, verifier, audit, processes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from .app import create_app
from .audit import AuditLog
from .audit_api import audit_router
from .auth import TokenVerifier, TrustedIssuer
from .availability import StoreWatchdog
from .commands import Clock, utc_now
from .domain import AggregateType
from .eventstore import EventStore
from .health import ReadinessCheck
from .i18n import catalogue
from .indexes import Index, ensure_indexes_eventually
from .kafka import kafka_reachable
from .logging import configure_logging
from .metrics import Refresher, serve_metrics
from .mongo import mongo_client, store_reachable
from .pipeline_metrics import pipeline_refreshers
from .runtime import ConsumerGroup, Worker
from .settings import BaseServiceSettings
from .telemetry import console_exporter, instrument_pymongo, otlp_exporter, setup_tracing
from .webhooks import published_types, webhook_router, webhook_service

log = logging.getLogger("servicekit.service")
Task = Callable[[asyncio.Event], Coroutine[Any, Any, None]]
API_TASK_FIRST_RETRY_SECONDS = 1.0
API_TASK_MAX_RETRY_SECONDS = 60.0


@dataclass(frozen=True)
class Core:
    """What every service's bootstrap builds first; its own Deps add the domain parts."""

    settings: BaseServiceSettings
    client: AsyncMongoClient[dict[str, Any]]
    db: AsyncDatabase[dict[str, Any]]
    store: EventStore
    audit: AuditLog
    # The one clock of the service: handlers ask it the time, tests replace it (dataclasses.replace).
    clock: Clock = utc_now


def build_core(settings: BaseServiceSettings) -> Core:
    """Clients and the event store for one service (no I/O happens until first use)."""
    client = mongo_client(settings.mongo_url, app_name=settings.service_name, **settings.mongo_options())
    db = client[settings.database_name]
    store = EventStore(
        db,
        source=f"/redress/{settings.service_name}",
        topic_namespace=settings.topic_namespace,
        cache_size=settings.projection_cache_size,
    )
    return Core(settings=settings, client=client, db=db, store=store,
                audit=AuditLog(db["audit_log"], db["audit_head"], bulk=store.bulk))


def token_verifier(settings: BaseServiceSettings) -> TokenVerifier:
    """The verifier of the service's trusted issuers: the configured issuer (JWKS file or URL, e.g. the
    development issuer) and the OpenID provider (`oidc_issuer`), each for `auth_audience`."""
    issuers = []
    if settings.auth_jwks_file is not None or settings.auth_jwks_url is not None:
        issuers.append(TrustedIssuer(issuer=settings.auth_issuer, audience=settings.auth_audience,
                                     jwks_file=settings.auth_jwks_file, jwks_url=settings.auth_jwks_url))
    if settings.oidc_issuer:
        issuers.append(TrustedIssuer(issuer=settings.oidc_issuer, audience=settings.auth_audience,
                                     jwks_url=settings.oidc_jwks_url, discover=settings.oidc_jwks_url is None))
    if not issuers:  # fail at start-up, not with a 401 on every request
        raise ValueError("no trusted issuer: set AUTH_JWKS_FILE / AUTH_JWKS_URL or OIDC_ISSUER")
    return TokenVerifier(issuers)


def readiness_checks(core: Core) -> dict[str, ReadinessCheck]:
    """`/readyz` is 503 while the store or the broker is unreachable."""

    async def store() -> bool:
        return await store_reachable(core.client)

    async def broker() -> bool:
        return await kafka_reachable(core.settings.kafka_bootstrap, **core.settings.kafka_options())

    return {"store": store, "broker": broker}


def store_watchdog(core: Core) -> StoreWatchdog:
    """The watchdog that ends a process whose store client is wedged (its supervisor restarts it)."""
    return StoreWatchdog(core.client, core.settings.mongo_url, wedged_after=core.settings.store_wedged_after_seconds,
                         options=core.settings.mongo_options())


def prepare_process(settings: BaseServiceSettings, *, console_spans: bool = False) -> None:
    """JSON logs with redaction and tracing (OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set), once per process."""
    configure_logging(settings.service_name, settings.log_level)
    setup_tracing(settings.service_name, console_exporter() if console_spans else otlp_exporter())
    instrument_pymongo()


def serve_api(app: FastAPI, settings: BaseServiceSettings) -> None:
    """Run the API with uvicorn on the configured address (uvicorn's own log config stays off)."""
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None, access_log=False)


def service_app(
    *,
    core: Core,
    deps: Any,
    verifier: TokenVerifier,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    upload_max_bytes: int | None = None,
    metric_refreshers: Sequence[Refresher] = (),
    messages: str | None = None,
    indexes: Sequence[Index] = (),
    aggregates: Sequence[AggregateType[Any]] = (),
    tasks: Sequence[Task] = (),
) -> FastAPI:
    """A service's FastAPI app around already-built deps (reached by routes via `app.state.deps`).

    `messages` names the package whose `locales/` hold the service's problem texts (usually itself);
    `indexes` are those its listings need (created at start-up, in the background).
    `aggregates` are the service's own, whose events it offers to webhook subscriptions.
    `tasks` run in the background while the app serves (`supervised`), and are cancelled when it stops.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        watchdog = asyncio.create_task(store_watchdog(core).run(stop), name="store-watchdog")
        indexing = asyncio.create_task(ensure_indexes_eventually(core.db, indexes, stop), name="indexes")
        own = [asyncio.create_task(supervised(task, stop), name=f"api-task:{_name_of(task)}") for task in tasks]
        yield
        stop.set()
        for task in own:  # a task may be in the middle of a long read: shutting down does not wait for it
            task.cancel()
        await asyncio.gather(*own, return_exceptions=True)
        await watchdog
        await asyncio.gather(indexing, return_exceptions=True)
        await core.client.close()

    app = create_app(
        settings=core.settings,
        title=title,
        description=description,
        routers=[*routers, audit_router(core.audit, core.db), webhook_router(published_types(aggregates))],
        lifespan=lifespan,
        readiness_checks=readiness_checks(core),
        token_verifier=verifier,
        upload_max_bytes=upload_max_bytes,
        metric_refreshers=[*pipeline_refreshers(core.settings, core.db), *metric_refreshers],
        messages=catalogue(messages),
    )
    app.state.deps = deps
    app.state.webhooks = webhook_service(core.settings, core.db, core.audit)
    return app


async def supervised(task: Task, stop: asyncio.Event, *, first_retry: float = API_TASK_FIRST_RETRY_SECONDS,
                     max_retry: float = API_TASK_MAX_RETRY_SECONDS) -> None:
    """Run a background task of the API until it returns or `stop` is set; a failure is logged (its type only:
    a message may carry data) and the task is started again after a backoff, so it never ends the API."""
    delay, name = first_retry, _name_of(task)
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        started = loop.time()
        try:
            await task(stop)
            return
        except Exception as exc:
            if loop.time() - started > max_retry:
                delay = first_retry  # it had been running well: this is a new failure, not the same one again
            log.error("api task failed, started again in %.1f s", delay, extra={"task": name,
                                                                              "error": type(exc).__name__})
        try:
            await asyncio.wait_for(stop.wait(), timeout=delay)
        except TimeoutError:
            delay = min(delay * 2, max_retry)


def _name_of(task: Task) -> str:
    return getattr(task, "__qualname__", None) or type(task).__name__


def worker_metrics(core: Core, refreshers: Sequence[Refresher] = ()
                   ) -> Callable[[asyncio.Event], Coroutine[Any, Any, None]]:
    """The worker's metrics task: `/metrics` on `metrics_port` (none when it is 0)."""
    s = core.settings
    every = [*pipeline_refreshers(s, core.db), *refreshers]

    async def serve(stop: asyncio.Event) -> None:
        # A worker task that returns stops the worker: without a port this one just waits for the end.
        if s.metrics_port:
            try:
                await serve_metrics(s.http_host, s.metrics_port, every, stop)
            except OSError as exc:
                # Metrics must never stop the pipeline; the liveness probe on the port tells the operator.
                log.error("worker metrics not served on port %d: %s", s.metrics_port, type(exc).__name__)
        await stop.wait()

    return serve


async def run_worker(
    core: Core,
    deps: Any,
    *,
    aggregates: Sequence[AggregateType[Any]],
    groups: Sequence[ConsumerGroup],
    extra_tasks: Sequence[Callable[[asyncio.Event], Coroutine[Any, Any, None]]] = (),
    indexes: Sequence[Index] = (),
    metric_refreshers: Sequence[Refresher] = (),
) -> None:
    """The worker process body: relay, consumer groups and `/metrics` until SIGTERM/SIGINT."""
    tasks = [*extra_tasks, store_watchdog(core).run, worker_metrics(core, metric_refreshers)]
    try:
        await Worker(
            settings=core.settings, db=core.db, aggregates=aggregates, groups=groups, deps=deps, extra_tasks=tasks,
            wake=core.store.committed, indexes=indexes,
        ).serve()
    finally:
        await core.client.close()
