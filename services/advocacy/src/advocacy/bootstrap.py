"""The one place advocacy's objects are wired together."""

from __future__ import annotations

from dataclasses import dataclass

from servicekit.auth import TokenVerifier
from servicekit.service import Core, build_core, token_verifier

from .config import Settings
from .projections import Projections, ReadModel
from .pseudonyms import Pseudonymizer
from .report_files import ReportFiles


@dataclass(frozen=True)
class Deps:
    """Everything handlers and routes need."""

    core: Core
    verifier: TokenVerifier | None  # None in processes that serve no HTTP (the rebuild command)
    projections: Projections
    read_model: ReadModel  # the indicators' folded facts and answers, kept by the process that answers
    keys: Pseudonymizer
    report_files: ReportFiles
    suppression_k: int


def build_deps(settings: Settings, *, authenticate: bool = True) -> Deps:
    """Build advocacy's dependencies from its settings (`authenticate=False`: no token verifier)."""
    core = build_core(settings)
    configured = settings.pseudonym_key.get_secret_value().encode() if settings.pseudonym_key else None
    projections = Projections(core.db)
    read_model = ReadModel(projections, follow_every=settings.read_model_follow_seconds)
    return Deps(core=core, verifier=token_verifier(settings) if authenticate else None,
                projections=projections, read_model=read_model,
                keys=Pseudonymizer(core.db["service_secrets"], configured),
                report_files=ReportFiles(core.db["report_files"]), suppression_k=settings.suppression_k)
