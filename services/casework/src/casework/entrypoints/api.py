"""Casework API process: `python -m casework.entrypoints.api`."""

from __future__ import annotations

from fastapi import FastAPI
from servicekit.integrity_api import integrity_router
from servicekit.service import prepare_process, serve_api, service_app

from ..api import calendar, cases, hearings, referrals, reparations, tasks, vocabularies
from ..bootstrap import Deps, build_deps
from ..config import Settings
from ..domain import AGGREGATES
from ..indexes import INDEXES

TITLE = "Redress casework"
DESCRIPTION = ("Legal support for victims: referral inbox, cases through the Malian procedure and international "
               "tracks, hearings and calendars, reparations, deadlines and privileged notes.")
# Who may verify the service's hash chains (case managers answer for the case files' history), and admins.
INTEGRITY_ROLES = {"case_manager", "admin"}
ROUTERS = [referrals.router, cases.router, hearings.router, calendar.router, reparations.router, tasks.router,
           vocabularies.router, integrity_router(AGGREGATES, roles=INTEGRITY_ROLES)]


def build_app(deps: Deps) -> FastAPI:
    """The casework app around already-built dependencies."""
    return service_app(core=deps.core, deps=deps, verifier=deps.verifier, title=TITLE, description=DESCRIPTION,
                       messages="casework", routers=ROUTERS, indexes=INDEXES, aggregates=AGGREGATES)


def main() -> None:
    settings = Settings()
    prepare_process(settings)
    serve_api(build_app(build_deps(settings)), settings)


if __name__ == "__main__":
    main()
