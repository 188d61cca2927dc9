"""The FastAPI application shape every service shares."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import APIRouter, FastAPI

from .auth import install_auth_handlers
from .health import ReadinessCheck, health_router
from .i18n import Catalogue, catalogue
from .problems import InputGuard, NoStore, install_problem_handlers
from .settings import BaseServiceSettings
from .telemetry import instrument_fastapi

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def create_app(*, settings: BaseServiceSettings, title: str, description: str, routers: Sequence[APIRouter],
               lifespan: Lifespan | None = None, readiness_checks: dict[str, ReadinessCheck] | None = None,
               token_verifier: Any = None, upload_max_bytes: int | None = None, version: str = "0.1.0",
               messages: Catalogue | None = None) -> FastAPI:
    """Problem+json errors, the input guard, health endpoints, tracing and the service's routes."""
    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan)
    app.state.readiness_checks = readiness_checks or {}
    app.state.token_verifier = token_verifier
    app.state.messages = messages or catalogue()  # problem texts: the kit's plus the service's codes
    install_problem_handlers(app)
    install_auth_handlers(app)
    app.add_middleware(InputGuard, max_body_bytes=settings.max_body_bytes, upload_max_bytes=upload_max_bytes)
    app.add_middleware(NoStore)
    app.include_router(health_router())
    for router in routers:
        app.include_router(router)
    instrument_fastapi(app)
    return app

