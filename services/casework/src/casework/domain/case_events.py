"""The events of the case aggregate: what happened to a case, as partners read it on casework.cases."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field
from servicekit.domain import DomainEvent

from .common import SafeId, Subject

Flag = Literal["consent_withdrawn", "victim_erased"]


class CaseOpened(DomainEvent):
    """A case was opened for a referred victim, with the lawyers who take it."""

    event_type: ClassVar[str] = "casework.case.opened.v1"
    classification: ClassVar[str] = "confidential"

    case_id: SafeId = Field(description="Case id (derived from the referral id)")
    referral_id: SafeId = Field(description="Id of the accepted referral (intake's referral id)")
    organisation: str = Field(description="Legal-aid organisation that holds the case (its code)")
    victim_ids: list[SafeId] = Field(description="Pseudonymous ids of the victims the case represents")
    incident_ids: list[SafeId] = Field(description="Intake incident ids the case concerns")
    lawyers: list[Subject] = Field(description="Subjects (staff ids) of the assigned lawyers")
    court: str | None = Field(default=None, description="Court code (casework courts vocabulary) seized, if known")
    stage: str = Field(description="Initial domestic stage")
    opened_on: date = Field(description="Date the case was opened (Africa/Bamako)")


class CaseVictimJoined(DomainEvent):
    """A referral was accepted into an existing case: its victim is now one of the victims the case represents."""

    event_type: ClassVar[str] = "casework.case.victim_joined.v1"
    classification: ClassVar[str] = "confidential"

    case_id: SafeId = Field(description="Id of the existing case the victim joined")
    victim_id: SafeId = Field(description="Pseudonymous id of the victim who joined the case")
    referral_id: SafeId = Field(description="Id of the referral accepted into the case (intake's referral id)")


class CaseVictimRemoved(DomainEvent):
    """A victim left a collective case (legal-support consent withdrawn, or erased); it goes on for the others."""

    event_type: ClassVar[str] = "casework.case.victim_removed.v1"
    classification: ClassVar[str] = "confidential"

    case_id: SafeId = Field(description="Id of the case the victim left")
    victim_id: SafeId = Field(description="Pseudonymous id of the victim who left the case")
    referral_id: SafeId | None = Field(default=None, description="The referral through which she came into the case")
    reason: Flag = Field(description="consent_withdrawn (legal-support consent) or victim_erased")


class CaseStageChanged(DomainEvent):
    """A case moved from one stage to another on one of its tracks."""

    event_type: ClassVar[str] = "casework.case.stage_changed.v1"

    case_id: SafeId = Field(description="Case id")
    victim_ids: list[SafeId] = Field(description="Pseudonymous ids of the victims concerned")
    track: str = Field(description="'domestic' or an international track code (procedure vocabulary)")
    from_stage: str = Field(description="Stage left")
    to_stage: str = Field(description="Stage entered")
    effective_on: date = Field(description="Date of the procedural act that moved the case")
    closure_reason: str | None = Field(default=None, description="Why the domestic track closed, when it did")


class CaseClosed(DomainEvent):
    """A case was closed, with the reason (judgment, dismissal, withdrawal, ...)."""

    event_type: ClassVar[str] = "casework.case.closed.v1"

    case_id: SafeId = Field(description="Case id")
    victim_ids: list[SafeId] = Field(description="Pseudonymous ids of the victims concerned")
    closure_reason: str = Field(description="Closure reason code (procedure vocabulary)")
    from_stage: str = Field(description="Domestic stage the case closed from")
    closed_on: date = Field(description="Date of the act that closed the case")


class LawyerAssigned(DomainEvent):
    """A lawyer was assigned to a case."""

    event_type: ClassVar[str] = "casework.case.lawyer_assigned.v1"
    classification: ClassVar[str] = "confidential"

    case_id: SafeId = Field(description="Case id")
    lawyer_id: Subject = Field(description="Subject (staff id) of the lawyer")


class LawyerUnassigned(DomainEvent):
    """A lawyer was taken off a case."""

    event_type: ClassVar[str] = "casework.case.lawyer_unassigned.v1"
    classification: ClassVar[str] = "confidential"

    case_id: SafeId = Field(description="Case id")
    lawyer_id: Subject = Field(description="Subject (staff id) of the lawyer")


class CourtChanged(DomainEvent):
    """The court seized of a case changed (e.g. an appeal court after judgment)."""

    event_type: ClassVar[str] = "casework.case.court_changed.v1"

    case_id: SafeId = Field(description="Case id")
    court: str = Field(description="Court code (casework courts vocabulary)")


class CaseFlagged(DomainEvent):
    """A case was flagged because of one of its victims: consent withdrawn or victim erased."""

    event_type: ClassVar[str] = "casework.case.flagged.v1"

    case_id: SafeId = Field(description="Case id")
    victim_id: SafeId = Field(description="Pseudonymous id of the victim the flag is about")
    flag: Flag = Field(description="consent_withdrawn (legal-support consent) or victim_erased")


class CaseFlagCleared(DomainEvent):
    """A flag was lifted (legal-support consent given again)."""

    event_type: ClassVar[str] = "casework.case.flag_cleared.v1"

    case_id: SafeId = Field(description="Case id")
    victim_id: SafeId = Field(description="Pseudonymous id of the victim the flag was about")
    flag: Flag = Field(description="The flag lifted")
