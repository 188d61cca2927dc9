"""Liveness and readiness endpoints shared by every service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

ReadinessCheck = Callable[[], Awaitable[bool]]


def health_router() -> APIRouter:
    """`/healthz` answers while the process lives; `/readyz` is 503 while a dependency is down."""
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Readiness: store and broker reachable",
                responses={503: {"description": "A dependency is unreachable"}})
    async def readyz(request: Request) -> JSONResponse:
        checks: dict[str, ReadinessCheck] = getattr(request.app.state, "readiness_checks", {})
        results = {name: await check() for name, check in checks.items()}
        ready = all(results.values())
        body = {"status": "ready" if ready else "unavailable",
                "checks": {k: "ok" if v else "unreachable" for k, v in results.items()}}
        return JSONResponse(body, status_code=200 if ready else 503)

    return router
