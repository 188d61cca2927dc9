"""FastAPI dependency aliases for advocacy's routes: its wiring, its callers' roles and its path ids."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path
from servicekit.api import app_deps
from servicekit.auth import Principal, require

from ..bootstrap import Deps

AppDeps = Annotated[Deps, Depends(app_deps)]
# Analysts read aggregates only: indicators, reports and the institutional records of advocacy.
AggregateReader = Annotated[Principal, Depends(require(roles={"analyst", "advocacy_officer", "admin"}))]
Officer = Annotated[Principal, Depends(require(roles={"advocacy_officer"}))]
Admin = Annotated[Principal, Depends(require(roles={"admin"}))]
AnyUser = Annotated[Principal, Depends(require())]
PathId = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,64}$")]
