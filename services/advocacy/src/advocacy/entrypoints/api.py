"""Advocacy API process: `python -m advocacy.entrypoints.api`."""

from __future__ import annotations

from fastapi import FastAPI
from servicekit.integrity_api import integrity_router
from servicekit.service import prepare_process, serve_api, service_app

from ..api import actions, admin, reports, routes
from ..bootstrap import Deps, build_deps
from ..config import Settings
from ..domain import AGGREGATES
from ..indexes import INDEXES

TITLE = "Redress advocacy"
DESCRIPTION = "Anonymised impunity indicators, advocacy actions and reports."
# Who may verify the service's hash chains (advocacy officers answer for the published record), and admins.
INTEGRITY_ROLES = {"advocacy_officer", "admin"}
ROUTERS = [routes.router, actions.router, reports.router, admin.router,
           integrity_router(AGGREGATES, roles=INTEGRITY_ROLES)]


def build_app(deps: Deps) -> FastAPI:
    """The advocacy app around already-built dependencies."""
    assert deps.verifier is not None, "an API verifies tokens: build its deps with authenticate=True"
    return service_app(core=deps.core, deps=deps, verifier=deps.verifier, title=TITLE, description=DESCRIPTION,
                       messages="advocacy", routers=ROUTERS, indexes=INDEXES, aggregates=AGGREGATES)


def main() -> None:
    settings = Settings()
    prepare_process(settings)
    serve_api(build_app(build_deps(settings)), settings)


if __name__ == "__main__":
    main()
