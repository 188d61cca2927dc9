"""Who may see and change what (pure rules; routes answer 404 where existence itself is sensitive)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

DOCUMENTERS = frozenset({"monitor", "documentation_officer"})
OFFICER = "documentation_officer"


@dataclass(frozen=True)
class Viewer:
    """The organisation and roles of whoever asks."""

    organisation: str | None
    roles: frozenset[str]

    @classmethod
    def of(cls, organisation: str | None, roles: Iterable[str]) -> Viewer:
        return cls(organisation=organisation, roles=frozenset(roles))

    @property
    def documents(self) -> bool:
        """Monitors and documentation officers document; analysts and others never see details."""
        return self.organisation is not None and not self.roles.isdisjoint(DOCUMENTERS)

    @property
    def is_officer(self) -> bool:
        return self.organisation is not None and OFFICER in self.roles


def sees_incident(viewer: Viewer, organisation: str, confidentiality: str) -> bool:
    """Own organisation's incidents; confidential ones only for its documentation officers."""
    if not viewer.documents or viewer.organisation != organisation:
        return False
    return confidentiality != "confidential" or viewer.is_officer


def sees_victim(viewer: Viewer, organisation: str, shared_with: Iterable[str]) -> bool:
    """The registering organisation, or one the victim consented to share with."""
    if not viewer.documents:
        return False
    return viewer.organisation == organisation or viewer.organisation in set(shared_with)


def manages_victim(viewer: Viewer, organisation: str) -> bool:
    """Only the registering organisation changes consent, refers or erases."""
    return viewer.documents and viewer.organisation == organisation


def sees_evidence(viewer: Viewer, organisation: str, confidentiality: str) -> bool:
    """Evidence follows the incident rule: own organisation, confidential items for officers only."""
    return sees_incident(viewer, organisation, confidentiality)
