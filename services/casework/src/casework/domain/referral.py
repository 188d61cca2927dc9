"""The referral inbox: victims referred by intake to one legal-aid organisation, accepted (opening a case or joining
one), declined, or passed on to another organisation the victim consented to share with (no I/O).

A referral is seen and decided only by its addressee: the organisation intake named, or the one it was
passed on to. Referrals made before referrals had an addressee stay in every legal-aid organisation's
inbox, and accepting one still needs the victim's consent to share with the accepting organisation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar, Literal

from pydantic import Field
from servicekit.domain import AggregateState, AggregateType, DomainEvent
from servicekit.errors import Conflict, NotFound
from servicekit.organisations import LEGAL_AID, is_legal_aid, require_organisation

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
    receiving_organisation: str | None = Field(
        default=None, description="Legal-aid organisation the referral is addressed to (absent on referrals made "
                                  "before referrals had an addressee)")
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


class ReferralTransferred(DomainEvent):
    """The addressee passed a pending referral on to another legal-aid organisation the victim shares with."""

    event_type: ClassVar[str] = "casework.referral.transferred.v1"

    referral_id: SafeId = Field(description="Referral id")
    victim_id: SafeId = Field(description="Pseudonymous victim id")
    from_organisation: str = Field(description="Organisation that passed it on (its code)")
    to_organisation: str = Field(description="Legal-aid organisation that now receives it (its code)")


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
    receiving_organisation: str | None = None
    passed_on_by: list[str] = Field(default_factory=list, description="Organisations that passed it on, in order")
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
        case ReferralTransferred():
            return state.model_copy(update={"receiving_organisation": event.to_organisation,
                                            "passed_on_by": [*state.passed_on_by, event.from_organisation]})
        case ReferralFlagged():
            return state.model_copy(update={"flags": sorted({*state.flags, event.flag})})
        case ReferralFlagCleared():
            return state.model_copy(update={"flags": [f for f in state.flags if f != event.flag]})
    raise ValueError(f"referral cannot apply {type(event).__name__}")


# On casework.cases, not a topic of its own: an accepted referral is the first fact of a case's life, and
# the consumers (notify, integrations) follow cases on the topics DESIGN.md lists (cases, hearings).
REFERRAL = AggregateType(name="referral", topic="casework.cases", collection="referrals", state_type=Referral,
                         events=(ReferralReceived, ReferralAccepted, ReferralDeclined, ReferralFlagged,
                                 ReferralFlagCleared, ReferralTransferred), evolve=evolve)


def addressed_to(referral: Referral, organisation: str | None) -> bool:
    """The organisation may decide this pending referral: its addressee (any legal-aid one before addressees)."""
    if organisation is None:
        return False
    if referral.receiving_organisation is None:
        return is_legal_aid(organisation)
    return referral.receiving_organisation == organisation


def sees(referral: Referral, organisation: str | None) -> bool:
    """Pending referrals are seen by their addressee; decided ones by the organisation that decided."""
    if referral.status == "pending":
        return addressed_to(referral, organisation)
    return organisation is not None and referral.organisation == organisation


def transfer_targets(referral: Referral, sharing: tuple[str, ...] | None) -> list[str]:
    """Legal-aid organisations the victim shares with, but the addressee: where a pending referral may go next."""
    if referral.status != "pending" or referral.flags or sharing is None:
        return []
    return [org for org in sharing if is_legal_aid(org) and org != referral.receiving_organisation]


def receive(state: Referral | None, *, referral_id: str, victim_id: str, needs: list[str], urgency: Urgency,
            incident_ids: list[str], referring_organisation: str, receiving_organisation: str | None,
            referred_at: datetime, flags: list[Flag]) -> list[DomainEvent]:
    """Put a referral in its addressee's inbox; the same referral arriving again is a no-op."""
    if state is not None:
        return []
    return [ReferralReceived(referral_id=referral_id, victim_id=victim_id, needs=sorted(set(needs)), urgency=urgency,
                             incident_ids=sorted(set(incident_ids)), referring_organisation=referring_organisation,
                             receiving_organisation=receiving_organisation, referred_at=referred_at,
                             flags=sorted(set(flags)))]


def require_pending(state: Referral | None, organisation: str | None = None) -> Referral:
    """Only a pending referral can be decided, and only by its addressee (another organisation: not found)."""
    if state is None or (organisation is not None and not sees(state, organisation)):
        raise NotFound("referral_not_found")
    if state.status != "pending":
        raise Conflict("referral_already_decided", current_status=state.status)
    return state


def require_shared_with(shares: bool | None) -> None:
    """The victim's latest consent (as casework saw it) must not exclude the organisation."""
    if shares is False:
        raise Conflict("sharing_consent_missing", field="organisation")


def accept(state: Referral | None, *, case_id: str, organisation: str, lawyers: list[str],
           court: str | None, shares: bool | None = None) -> list[DomainEvent]:
    """Accept a pending referral addressed to the organisation (and shared with it), assigning its lawyers.

    `shares` is casework's latest view of the victim's consent to share with the organisation (None when no
    consent event was seen: intake checked it when it addressed the referral)."""
    referral = require_pending(state, organisation)
    if referral.receiving_organisation is None and shares is None:
        raise Conflict("sharing_consent_unknown")
    require_shared_with(shares)
    if referral.flags:
        # Without legal-support consent (or after erasure) nobody may act for the victim; declining stays possible.
        raise Conflict("referral_flagged", flags=list(referral.flags))
    require_distinct_lawyers(lawyers)
    if court is not None:
        require_court(court)
    return [ReferralAccepted(referral_id=referral.id, victim_id=referral.victim_id, case_id=case_id,
                             organisation=organisation, lawyers=lawyers, court=court)]


def decline(state: Referral | None, *, organisation: str, reason: str) -> list[DomainEvent]:
    """Decline a pending referral addressed to the organisation, with a reason code."""
    referral = require_pending(state, organisation)
    require_term("decline_reasons", reason, field="reason")
    return [ReferralDeclined(referral_id=referral.id, victim_id=referral.victim_id, organisation=organisation,
                             reason=reason)]


def transfer(state: Referral | None, *, organisation: str, to: str,
             sharing: tuple[str, ...] | None) -> list[DomainEvent]:
    """Pass a pending referral on to another legal-aid organisation the victim consented to share with."""
    referral = require_pending(state, organisation)
    require_organisation(to, field="organisation", kind=LEGAL_AID)
    if to == referral.receiving_organisation or to == organisation:
        raise Conflict("referral_already_addressed", field="organisation")
    if referral.flags:
        raise Conflict("referral_flagged", flags=list(referral.flags))
    if sharing is None:
        raise Conflict("sharing_consent_not_yet_known", field="organisation")
    if to not in sharing:
        raise Conflict("sharing_consent_missing", field="organisation", allowed=transfer_targets(referral, sharing))
    return [ReferralTransferred(referral_id=referral.id, victim_id=referral.victim_id,
                                from_organisation=organisation, to_organisation=to)]


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
