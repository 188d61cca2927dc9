"""The one place advocacy's objects are wired together."""

from __future__ import annotations

from dataclasses import dataclass

from servicekit.auth import TokenVerifier
from servicekit.service import Core, build_core, token_verifier

from .config import Settings
from .projections import Projections


@dataclass(frozen=True)
class Deps:
    """Everything handlers and routes need."""

    core: Core
    verifier: TokenVerifier
    projections: Projections
    suppression_k: int


def build_deps(settings: Settings) -> Deps:
    """Build advocacy's dependencies from its settings."""
    core = build_core(settings)
    return Deps(core=core, verifier=token_verifier(settings), projections=Projections(core.db),
                suppression_k=settings.suppression_k)
