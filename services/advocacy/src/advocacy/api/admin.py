"""Operating the read model (admins) and the vocabularies (any signed-in user)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, status
from servicekit.auth import Principal, require
from servicekit.errors import Conflict, NotFound

from ..domain.vocabulary import vocabulary
from ..rebuild import rebuild
from ..subscriptions import GROUPS
from .deps import Admin, AppDeps

router = APIRouter(tags=["operations"])
AnyUser = Annotated[Principal, Depends(require())]
VOCABULARIES = ("target_bodies", "action_types", "recommendation_statuses", "report_labels")


@router.get("/admin/projections", responses={401: {}, 403: {}})
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


@router.post("/admin/projections/rebuild", status_code=status.HTTP_202_ACCEPTED, responses={401: {}, 403: {},
                                                                                          409: {}})
async def start_rebuild(principal: Admin, deps: AppDeps, request: Request) -> dict[str, str]:
    """Replay the consumed topics into fresh projections, then swap them in (follow it on GET)."""
    task: asyncio.Task[Any] | None = getattr(request.app.state, "rebuild_task", None)
    if task is not None and not task.done():
        raise Conflict("rebuild_running")
    request.app.state.rebuild_task = asyncio.create_task(rebuild(deps, GROUPS))
    return {"state": "started"}


@router.get("/vocabularies/{name}", responses={401: {}, 404: {}})
async def read_vocabulary(name: str, principal: AnyUser) -> dict[str, Any]:
    """A controlled vocabulary with French and English labels."""
    if name not in VOCABULARIES:
        raise NotFound("vocabulary_not_found", allowed=list(VOCABULARIES))
    return vocabulary(name).to_public()
