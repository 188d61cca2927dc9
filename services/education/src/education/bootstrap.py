"""The one place education's objects are wired together."""

from __future__ import annotations

from dataclasses import dataclass

from servicekit.auth import TokenVerifier
from servicekit.service import Core, build_core, token_verifier

from .config import Settings
from .projections import INCIDENT_FACTS, IncidentFacts


@dataclass(frozen=True)
class Deps:
    """Everything handlers and routes need."""

    core: Core
    verifier: TokenVerifier
    incidents: IncidentFacts
    suppression_k: int


def build_deps(settings: Settings) -> Deps:
    """Build education's dependencies from its settings."""
    core = build_core(settings)
    return Deps(core=core, verifier=token_verifier(settings), incidents=IncidentFacts(core.db[INCIDENT_FACTS]),
                suppression_k=settings.suppression_k)
