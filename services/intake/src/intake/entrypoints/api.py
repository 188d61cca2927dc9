"""Intake API process: `python -m intake.entrypoints.api`."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from servicekit.integrity_api import integrity_router
from servicekit.problems import app_messages, localised, request_language
from servicekit.service import prepare_process, serve_api, service_app

from ..api.evidence_routes import router as evidence_router
from ..api.incident_routes import router as incident_router
from ..api.narrative_routes import router as narrative_router
from ..api.reference_routes import imports_router, vocabularies_router
from ..api.referral_routes import router as referral_router
from ..api.victim_routes import keys_router
from ..api.victim_routes import router as victim_router
from ..bootstrap import Deps, build_deps
from ..config import Settings
from ..domain import AGGREGATES
from ..domain.terms import unknown_term_problem
from ..indexes import INDEXES
from ..vocabularies import UnknownTerm

TITLE = "Redress intake"
DESCRIPTION = ("Documentation of crimes: incidents, victims with consent, evidence with chain of custody, "
               "referrals to legal support. Victims' identities are encrypted per victim; every read is audited.")
# Imports before incidents: /incidents/imports must not be read as an incident id.
# Who may verify every hash chain of intake: documentation officers, and admins.
INTEGRITY_ROLES = {"documentation_officer", "admin"}
ROUTERS = [imports_router, incident_router, narrative_router, victim_router, referral_router, evidence_router,
           keys_router, vocabularies_router, integrity_router(AGGREGATES, roles=INTEGRITY_ROLES)]


async def _unknown_term(request: Request, exc: Exception) -> JSONResponse:
    # Safety net: domain code converts UnknownTerm itself; one that slips through is still a 422, never a 500.
    assert isinstance(exc, UnknownTerm)
    problem, language = unknown_term_problem(exc), request_language(request)
    return localised(problem.problem(language, app_messages(request)), problem.status, language)


def build_app(deps: Deps) -> FastAPI:
    """The intake app around already-built dependencies."""
    app = service_app(core=deps.core, deps=deps, verifier=deps.verifier, title=TITLE, description=DESCRIPTION,
                      messages="intake", routers=ROUTERS, indexes=INDEXES, aggregates=AGGREGATES,
                      upload_max_bytes=deps.settings.evidence_max_bytes)
    app.add_exception_handler(UnknownTerm, _unknown_term)
    return app


def main() -> None:
    settings = Settings()  # type: ignore[call-arg]  # the KEK source comes from the environment
    prepare_process(settings)
    serve_api(build_app(build_deps(settings)), settings)


if __name__ == "__main__":
    main()
