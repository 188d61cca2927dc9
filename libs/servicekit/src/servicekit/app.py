"""The FastAPI application shape every service shares."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import APIRouter, FastAPI

from .auth import install_auth_handlers
from .contract_shapes import with_problem_responses
from .cors import install_cors
from .docs import install_docs
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
    """Problem+json errors, the input guard, CORS, health endpoints, offline docs, tracing and the routes."""
    # FastAPI's own /docs and /redoc load their scripts from a CDN: replaced by install_docs below.
    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan, docs_url=None,
                  redoc_url=None)
    app.state.readiness_checks = readiness_checks or {}
    app.state.token_verifier = token_verifier
    app.state.messages = messages or catalogue()  # problem texts: the kit's plus the service's codes
    install_problem_handlers(app)
    install_auth_handlers(app)
    app.add_middleware(InputGuard, max_body_bytes=settings.max_body_bytes, upload_max_bytes=upload_max_bytes)
    app.add_middleware(NoStore)
    # Added last, so outermost: a preflight is answered before the input guard, and denials carry CORS headers.
    install_cors(app, settings.cors_allowed_origins)
    app.include_router(health_router())
    install_docs(app)
    for router in routers:
        app.include_router(router)
    instrument_fastapi(app)
    generate = app.openapi
    app.openapi = lambda: with_problem_responses(generate())  # type: ignore[method-assign]
    return app

