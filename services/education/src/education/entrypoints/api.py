"""Education API process: `python -m education.entrypoints.api`."""

from __future__ import annotations

from fastapi import FastAPI
from servicekit.integrity_api import integrity_router
from servicekit.service import prepare_process, serve_api, service_app

from ..api import routes, stats
from ..bootstrap import Deps, build_deps
from ..config import Settings
from ..domain import AGGREGATES
from ..indexes import INDEXES

TITLE = "Redress education"
DESCRIPTION = "Human-rights education: sessions and campaigns, reach by region and age, priority regions."
# Who may verify the service's hash chains (educators keep the sessions' record), and admins.
INTEGRITY_ROLES = {"educator", "admin"}
ROUTERS = [routes.router, stats.router, integrity_router(AGGREGATES, roles=INTEGRITY_ROLES)]


def build_app(deps: Deps) -> FastAPI:
    """The education app around already-built dependencies."""
    return service_app(core=deps.core, deps=deps, verifier=deps.verifier, title=TITLE, description=DESCRIPTION,
                       messages="education", routers=ROUTERS, indexes=INDEXES, aggregates=AGGREGATES)


def main() -> None:
    settings = Settings()
    prepare_process(settings)
    serve_api(build_app(build_deps(settings)), settings)


if __name__ == "__main__":
    main()
