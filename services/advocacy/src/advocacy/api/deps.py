"""FastAPI dependency aliases for advocacy's routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from servicekit.auth import Principal, require

from ..bootstrap import Deps


def get_deps(request: Request) -> Deps:
    return request.app.state.deps  # type: ignore[no-any-return]


AppDeps = Annotated[Deps, Depends(get_deps)]
AggregateReader = Annotated[Principal, Depends(require(roles={"analyst", "advocacy_officer", "admin"}))]
