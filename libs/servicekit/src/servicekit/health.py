"""Liveness and readiness endpoints shared by every service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

ReadinessCheck = Callable[[], Awaitable[bool]]
RETRY_AFTER_SECONDS = 5


def health_router() -> APIRouter:
    """`/healthz` answers while the process lives; `/readyz` is 503 naming the dependencies that are down."""
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Readiness: store and broker reachable",
                responses={503: {"description": "A dependency is unreachable"}})
    async def readyz(request: Request) -> JSONResponse:
        checks: dict[str, ReadinessCheck] = getattr(request.app.state, "readiness_checks", {})
        results = {name: await check() for name, check in checks.items()}
        missing = [name for name, ok in results.items() if not ok]
        body = {"status": "unavailable" if missing else "ready", "missing": missing,
                "checks": {k: "ok" if v else "unreachable" for k, v in results.items()}}
        if missing:
            body["detail"] = f"Unreachable: {', '.join(missing)}."
            return JSONResponse(body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        return JSONResponse(body)

    return router
