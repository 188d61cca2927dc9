"""The referral inbox: victims referred by intake, accepted (opening a case or joining one) or declined (no I/O)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Literal

from pydantic import Field
from servicekit.domain import AggregateState, AggregateType, DomainEvent
from servicekit.errors import Conflict, NotFound

from ..vocabularies import require_court, require_term
from .case import Flag, require_distinct_lawyers
from .common import SafeId, Subject

# Intake's code, kept as given (e.g. low, medium, high, critical): the producer owns that vocabulary.
Urgency = Annotated[str, Field(pattern=r"^[a-z_]{1,20}$")]


class ReferralReceived(DomainEvent):
    """A victim referred by intake entered the legal-aid inbox."""

    event_type: ClassVar[str] = "casework.referral.received.v1"
    classification: ClassVar[str] = "confidential"

    referral_id: SafeId = Field(description="Intake's referral id (also this inbox entry's id)")
    victim_id: SafeId = Field(description="Pseudonymous victim id")
    needs: list[str] = Field(description="Needs stated by intake (codes)")
    urgency: Urgency = Field(description="Urgency code stated by intake (e.g. low, medium, high, critical)")
    incident_ids: list[SafeId] = Field(description="Intake incident ids the victim was referred about")
    referring_organisation: str = Field(description="Organisation that referred the victim (its code)")
    referred_at: datetime = Field(description="When intake referred the victim")
    flags: list[Flag] = Field(default_factory=list, description="Flags already known when the referral arrived")


class ReferralAccepted(DomainEvent):
    """A legal-aid organisation took the referral: a case is opened for the victim, or the victim joins one."""

    event_type: ClassVar[str] = "casework.referral.accepted.v1"
    classification: ClassVar[str] = "confidential"

    referral_id: SafeId = Field(description="Referral id")
    victim_id: SafeId = Field(description="Pseudonymous victim id")
    case_id: SafeId = Field(description="Id of the case opened for the referral, or of the existing case it joined")
    organisation: str = Field(description="Legal-aid organisation that accepted (its code)")
    lawyers: list[Subject] = Field(description="Subjects (staff ids) of the lawyers assigned")
    court: str | None = Field(default=None, description="Court code seized, if already known")


class ReferralDeclined(DomainEvent):
    """A legal-aid organisation declined the referral, with a reason code."""

    event_type: ClassVar[str] = "casework.referral.declined.v1"

    referral_id: SafeId = Field(description="Referral id")
    victim_id: SafeId = Field(description="Pseudonymous victim id")
    organisation: str = Field(description="Legal-aid organisation that declined (its code)")
    reason: str = Field(description="Decline reason code (casework terms vocabulary, decline_reasons)")


class ReferralFlagged(DomainEvent):
    """A pending referral's victim withdrew legal-support consent or was erased."""

    event_type: ClassVar[str] = "casework.referral.flagged.v1"

    referral_id: SafeId = Field(description="Referral id")
    victim_id: SafeId = Field(description="Pseudonymous victim id")
    flag: Flag = Field(description="consent_withdrawn or victim_erased")


class ReferralFlagCleared(DomainEvent):
    """A referral's consent flag was lifted (consent given again)."""

    event_type: ClassVar[str] = "casework.referral.flag_cleared.v1"

    referral_id: SafeId = Field(description="Referral id")
    victim_id: SafeId = Field(description="Pseudonymous victim id")
    flag: Flag = Field(description="The flag lifted")


class Referral(AggregateState):
    """An inbox entry (the projection document)."""

    victim_id: str
    needs: list[str]
    urgency: Urgency
    incident_ids: list[str]
    referring_organisation: str
    referred_at: datetime
    status: Literal["pending", "accepted", "declined"] = "pending"
    flags: list[str] = Field(default_factory=list)
    case_id: str | None = None
    organisation: str | None = None
    lawyers: list[str] = Field(default_factory=list)
    court: str | None = None
    decline_reason: str | None = None


def evolve(state: Referral | None, event: DomainEvent) -> Referral:
    """Apply one event to a referral."""
    if isinstance(event, ReferralReceived):
        return Referral(id=event.referral_id, **event.model_dump(exclude={"referral_id"}))
    assert state is not None, f"{type(event).__name__} before the referral was received"
    match event:
        case ReferralAccepted():
            return state.model_copy(update={"status": "accepted", "case_id": event.case_id, "court": event.court,
                                            "organisation": event.organisation, "lawyers": event.lawyers})
        case ReferralDeclined():
            return state.model_copy(update={"status": "declined", "organisation": event.organisation,
                                            "decline_reason": event.reason})
        case ReferralFlagged():
            return state.model_copy(update={"flags": sorted({*state.flags, event.flag})})
        case ReferralFlagCleared():
            return state.model_copy(update={"flags": [f for f in state.flags if f != event.flag]})
    raise ValueError(f"referral cannot apply {type(event).__name__}")


# On casework.cases, not a topic of its own: an accepted referral is the first fact of a case's life, and
# the consumers (notify, integrations) follow cases on the topics DESIGN.md lists (cases, hearings).
REFERRAL = AggregateType(name="referral", topic="casework.cases", collection="referrals", state_type=Referral,
                         events=(ReferralReceived, ReferralAccepted, ReferralDeclined, ReferralFlagged,
                                 ReferralFlagCleared), evolve=evolve)


def receive(state: Referral | None, *, referral_id: str, victim_id: str, needs: list[str], urgency: Urgency,
            incident_ids: list[str], referring_organisation: str, referred_at: datetime,
            flags: list[Flag]) -> list[DomainEvent]:
    """Put a referral in the inbox; the same referral arriving again is a no-op."""
    if state is not None:
        return []
    return [ReferralReceived(referral_id=referral_id, victim_id=victim_id, needs=sorted(set(needs)), urgency=urgency,
                             incident_ids=sorted(set(incident_ids)), referring_organisation=referring_organisation,
                             referred_at=referred_at, flags=sorted(set(flags)))]


def require_pending(state: Referral | None) -> Referral:
    """Only a pending referral can be decided."""
    if state is None:
        raise NotFound("referral_not_found")
    if state.status != "pending":
        raise Conflict("referral_already_decided", current_status=state.status)
    return state


def accept(state: Referral | None, *, case_id: str, organisation: str, lawyers: list[str],
           court: str | None) -> list[DomainEvent]:
    """Accept a pending referral for an organisation, assigning its lawyers."""
    referral = require_pending(state)
    if referral.flags:
        # Without legal-support consent (or after erasure) nobody may act for the victim; declining stays possible.
        raise Conflict("referral_flagged", flags=list(referral.flags))
    require_distinct_lawyers(lawyers)
    if court is not None:
        require_court(court)
    return [ReferralAccepted(referral_id=referral.id, victim_id=referral.victim_id, case_id=case_id,
                             organisation=organisation, lawyers=lawyers, court=court)]


def decline(state: Referral | None, *, organisation: str, reason: str) -> list[DomainEvent]:
    """Decline a pending referral with a reason code."""
    referral = require_pending(state)
    require_term("decline_reasons", reason, field_name="reason")
    return [ReferralDeclined(referral_id=referral.id, victim_id=referral.victim_id, organisation=organisation,
                             reason=reason)]


def flag(state: Referral | None, *, flag: Flag) -> list[DomainEvent]:
    """Flag a referral for its victim; idempotent."""
    if state is None or flag in state.flags:
        return []
    return [ReferralFlagged(referral_id=state.id, victim_id=state.victim_id, flag=flag)]


def clear_flag(state: Referral | None, *, flag: Flag) -> list[DomainEvent]:
    """Lift a consent flag (erasure is never lifted); idempotent."""
    if state is None or flag not in state.flags or flag == "victim_erased":
        return []
    return [ReferralFlagCleared(referral_id=state.id, victim_id=state.victim_id, flag=flag)]
