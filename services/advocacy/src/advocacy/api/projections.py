"""Operating the indicators' read model (admins): its live generation, and a rebuild by replay."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, status
from servicekit.errors import Conflict

from ..replay import rebuild
from ..subscriptions import GROUPS
from .deps import Admin, AppDeps

router = APIRouter(prefix="/admin/projections", tags=["operations"])


@router.get("", responses={401: {}, 403: {}})
async def projection_status(principal: Admin, deps: AppDeps, request: Request) -> dict[str, Any]:
    """The live projection generation, its records, and the last rebuild started here."""
    task: asyncio.Task[Any] | None = getattr(request.app.state, "rebuild_task", None)
    last: dict[str, Any] | None = None
    if task is not None:
        if not task.done():
            last = {"state": "running"}
        elif task.exception() is not None:
            last = {"state": "failed", "error": type(task.exception()).__name__}
        else:
            last = {"state": "done", **vars(task.result())}
    return {**await deps.projections.status(), "rebuild": last}


@router.post("/rebuild", status_code=status.HTTP_202_ACCEPTED, responses={401: {}, 403: {}, 409: {}})
async def start_rebuild(principal: Admin, deps: AppDeps, request: Request) -> dict[str, str]:
    """Replay the consumed topics into fresh projections, then swap them in (follow it on GET)."""
    # No Idempotency-Key: this operates the read model and records nothing. A repeat while a rebuild runs is
    # a 409, a repeat after it replays the same topics into the same figures.
    task: asyncio.Task[Any] | None = getattr(request.app.state, "rebuild_task", None)
    if task is not None and not task.done():
        raise Conflict("rebuild_running")
    request.app.state.rebuild_task = asyncio.create_task(rebuild(deps, GROUPS))
    return {"state": "started"}
