"""FastAPI dependency aliases: routes reach the wiring and the caller through these, never through globals."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path
from servicekit.api import app_deps
from servicekit.auth import Principal, require

from ..bootstrap import Deps
from ..domain.incident_facts import PSEUDONYMOUS_ID

AppDeps = Annotated[Deps, Depends(app_deps)]
# Monitors and documentation officers document; only officers verify, erase and handle custody.
Documenter = Annotated[Principal, Depends(require(roles={"monitor", "documentation_officer"}))]
Officer = Annotated[Principal, Depends(require(roles={"documentation_officer"}))]
# The non-identifying export is the only incident data analysts and advocacy officers get.
ExportReader = Annotated[Principal, Depends(require(
    roles={"analyst", "advocacy_officer", "monitor", "documentation_officer", "admin"}))]
Admin = Annotated[Principal, Depends(require(roles={"admin"}))]
KeyRequester = Annotated[Principal, Depends(require(scopes={"pii:decrypt"}))]
Authenticated = Annotated[Principal, Depends(require())]

ResourceId = Annotated[str, Path(pattern=PSEUDONYMOUS_ID, description="A pseudonymous id")]
DENIALS: dict[int | str, dict[str, str]] = {401: {}, 403: {}, 404: {}, 422: {}}
