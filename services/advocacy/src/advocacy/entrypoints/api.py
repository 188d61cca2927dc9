"""Advocacy API process: `python -m advocacy.entrypoints.api`."""

from __future__ import annotations

from fastapi import FastAPI
from servicekit.service import prepare_process, serve_api, service_app

from ..api import actions, admin, reports, routes
from ..bootstrap import Deps, build_deps
from ..config import Settings
from ..domain import AGGREGATES

TITLE = "Redress advocacy"
DESCRIPTION = "Anonymised impunity indicators, advocacy actions and reports."
ROUTERS = [routes.router, actions.router, reports.router, admin.router]


def build_app(deps: Deps) -> FastAPI:
    """The advocacy app around already-built dependencies."""
    assert deps.verifier is not None, "an API verifies tokens: build its deps with authenticate=True"
    return service_app(core=deps.core, deps=deps, verifier=deps.verifier, title=TITLE, description=DESCRIPTION,
                       messages="advocacy", routers=ROUTERS, aggregates=AGGREGATES)


def main() -> None:
    settings = Settings()
    prepare_process(settings)
    serve_api(build_app(build_deps(settings)), settings)


if __name__ == "__main__":
    main()
