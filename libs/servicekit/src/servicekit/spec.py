"""A service declared once: its name, settings, wiring, routes, aggregates, consumers and indexes.

Each service has `<service>/spec.py` with `SPEC = ServiceSpec(...)`. Its entrypoints, the contract
generator and the in-process test harness all read that one declaration:

    python -m <service>.entrypoints.api      ->  SPEC.api_main()
    python -m <service>.entrypoints.worker   ->  SPEC.worker_main()
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI

from .domain import AggregateType
from .indexes import Index
from .integrity_api import integrity_router
from .metrics import Refresher
from .runtime import ConsumerGroup
from .service import Task, prepare_process, run_worker, serve_api, service_app
from .settings import BaseServiceSettings


@dataclass(frozen=True)
class ServiceSpec:
    """Everything the kit needs to run, document and test one service."""

    name: str
    title: str
    description: str
    settings: type[BaseServiceSettings]
    build_deps: Callable[[Any], Any]
    routers: Sequence[APIRouter]
    aggregates: Sequence[AggregateType[Any]]
    groups: Sequence[ConsumerGroup]
    indexes: Sequence[Index]
    # Who may verify every hash chain of the service (besides admins, who always may).
    integrity_roles: frozenset[str]
    upload_max_bytes: Callable[[Any], int | None] = lambda deps: None
    metric_refreshers: Callable[[Any], Sequence[Refresher]] = lambda deps: ()
    # Long-running tasks of the worker beside the relay and the consumers (e.g. notify's dispatcher).
    worker_tasks: Callable[[Any], Sequence[Task]] = lambda deps: ()
    # Background tasks of the API process while it serves (e.g. advocacy warming its read model): started and
    # stopped with the app; one that fails is logged and started again after a backoff (service.supervised).
    api_tasks: Callable[[Any], Sequence[Task]] = lambda deps: ()

    def api_routers(self) -> list[APIRouter]:
        """The service's own routes, then the kit's integrity check of its hash chains."""
        return [*self.routers, integrity_router(self.aggregates, roles={*self.integrity_roles, "admin"})]

    def build_app(self, deps: Any) -> FastAPI:
        """The service's FastAPI app around already-built dependencies."""
        return service_app(core=deps.core, deps=deps, verifier=deps.verifier, title=self.title,
                           description=self.description, messages=self.name, routers=self.api_routers(),
                           indexes=self.indexes, aggregates=self.aggregates,
                           upload_max_bytes=self.upload_max_bytes(deps),
                           metric_refreshers=self.metric_refreshers(deps), tasks=self.api_tasks(deps))

    async def run_worker(self, deps: Any) -> None:
        """The worker's body: relay, consumer groups, the service's own tasks and `/metrics`."""
        await run_worker(deps.core, deps, aggregates=self.aggregates, groups=self.groups,
                         extra_tasks=self.worker_tasks(deps), indexes=self.indexes,
                         metric_refreshers=self.metric_refreshers(deps))

    def api_main(self) -> None:
        """The API process: settings from the environment, logs and traces, then uvicorn."""
        settings = self.settings()
        prepare_process(settings)
        serve_api(self.build_app(self.build_deps(settings)), settings)

    def worker_main(self) -> None:
        """The worker process, until SIGTERM/SIGINT."""
        settings = self.settings()
        prepare_process(settings)
        asyncio.run(self.run_worker(self.build_deps(settings)))


def spec_of(service: str) -> ServiceSpec:
    """The declaration of a service by its package name (for the contract generator and the test harness)."""
    spec = importlib.import_module(f"{service}.spec").SPEC
    if not isinstance(spec, ServiceSpec):
        raise TypeError(f"{service}.spec.SPEC is not a ServiceSpec")
    return spec
