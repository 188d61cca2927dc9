"""Who may see a case: assigned lawyers, and case managers of the case's organisation (no I/O).

A case the caller may not see is reported as not found: its existence is itself sensitive.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from servicekit.domain import DomainEvent
from servicekit.errors import NotFound

LAWYER = "lawyer"
CASE_MANAGER = "case_manager"


class CaseLike(Protocol):
    """The fields of a case that decide who sees it."""

    organisation: str
    lawyers: list[str]


@dataclass(frozen=True)
class Access:
    """The caller as far as case visibility is concerned."""

    subject: str
    roles: frozenset[str]
    organisation: str | None

    def only(self, roles: Collection[str]) -> Access:
        """The same caller acting in some of their roles only (e.g. as case manager)."""
        return Access(self.subject, self.roles & frozenset(roles), self.organisation)

    def sees(self, case: CaseLike) -> bool:
        """True for an assigned lawyer or a case manager of the case's organisation."""
        if LAWYER in self.roles and self.subject in case.lawyers:
            return True
        return CASE_MANAGER in self.roles and self.organisation is not None and self.organisation == case.organisation

    def manages(self, case: CaseLike) -> bool:
        """True for a case manager of the case's organisation."""
        return self.only({CASE_MANAGER}).sees(case)


C = TypeVar("C", bound=CaseLike)


def case_not_found() -> NotFound:
    """The one answer for a missing case and for someone else's case."""
    return NotFound("case_not_found")


def visible_to(access: Access,
               decide: Callable[[C], Sequence[DomainEvent]]) -> Callable[[C | None], Sequence[DomainEvent]]:
    """Wrap a case command so the visibility check runs on the very state it decides on."""

    def guarded(state: C | None) -> Sequence[DomainEvent]:
        if state is None or not access.sees(state):
            raise case_not_found()
        return decide(state)

    return guarded
