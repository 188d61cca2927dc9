"""FastAPI dependency aliases: routes reach the wiring through these, never through globals."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from servicekit.auth import Principal, require

from ..bootstrap import Deps


def get_deps(request: Request) -> Deps:
    return request.app.state.deps  # type: ignore[no-any-return]


AppDeps = Annotated[Deps, Depends(get_deps)]
# Delivery history says who is being told what about a case: notify administrators only.
NotifyAdmin = Annotated[Principal, Depends(require(roles={"notify_admin", "admin"}))]
# Template wording is not victim data: staff who explain messages to victims may preview it.
Staff = Annotated[Principal, Depends(require(roles={"notify_admin", "admin", "case_manager", "lawyer"}))]
