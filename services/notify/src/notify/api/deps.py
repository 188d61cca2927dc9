"""FastAPI dependency aliases: routes reach the wiring through these, never through globals."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path
from servicekit.api import app_deps
from servicekit.auth import Principal, require

from ..bootstrap import Deps

AppDeps = Annotated[Deps, Depends(app_deps)]
# Delivery history says who is being told what about a case: notify administrators only.
NotifyAdmin = Annotated[Principal, Depends(require(roles={"notify_admin", "admin"}))]
# Template wording is not victim data: staff who explain messages to victims may preview it.
Staff = Annotated[Principal, Depends(require(roles={"notify_admin", "admin", "case_manager", "lawyer"}))]

DeliveryId = Annotated[str, Path(pattern=r"^[A-Za-z0-9:_-]{1,80}$", description="A delivery id")]
VictimId = Annotated[str, Path(pattern=r"^[A-Za-z0-9:_-]{1,80}$", description="A pseudonymous victim id")]
Language = Annotated[str, Path(pattern=r"^[A-Za-z_-]{1,16}$", description="fr, bm or en (others: French)")]
