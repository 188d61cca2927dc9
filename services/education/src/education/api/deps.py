"""FastAPI dependency aliases of education's routes: its wiring, who may call, and path ids."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path
from servicekit.api import app_deps
from servicekit.auth import Principal, require

from ..bootstrap import Deps

AppDeps = Annotated[Deps, Depends(app_deps)]
Educator = Annotated[Principal, Depends(require(roles={"educator"}))]
# Sessions are records of an organisation: its educators read them (admins too).
SessionReader = Annotated[Principal, Depends(require(roles={"educator", "admin"}))]
# Campaigns, reach and priorities are aggregates: analysts read them as well.
AggregateReader = Annotated[Principal, Depends(require(roles={"educator", "analyst", "admin"}))]
AnyUser = Annotated[Principal, Depends(require())]
RecordId = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,64}$")]
