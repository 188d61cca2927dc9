"""The one place intake's objects are wired together."""

from __future__ import annotations

from dataclasses import dataclass

from servicekit.auth import TokenVerifier
from servicekit.service import Core, build_core, token_verifier

from .config import Settings


@dataclass(frozen=True)
class Deps:
    """Everything handlers and routes need; unit tests build it with fakes."""

    core: Core
    verifier: TokenVerifier

    @property
    def store(self):
        return self.core.store


def build_deps(settings: Settings) -> Deps:
    """Build intake's dependencies from its settings."""
    return Deps(core=build_core(settings), verifier=token_verifier(settings))
