"""The incident aggregate: what happened, where and when, to whom (pseudonymous ids) and by whom.

Identities never live here: victims appear only as pseudonymous ids. Exact coordinates never enter an
event either: events carry the point coarsened to 0.1 degree and a salted SHA-256 of the exact point,
which intake keeps in a side collection, so the hash chain still attests to the exact location. The
narrative and the sources' accounts follow the same pattern: events carry the SHA-256 of their
ciphertexts only; the ciphertexts stay in intake (narratives.py), sealed under the incident's key.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field
from servicekit.domain import AggregateState, AggregateType, DomainEvent

from .incident_facts import Act, Confidentiality, Coordinates, DatePrecision, Source, last_day_covered

EXTERNAL_REFERENCE = r"^[A-Za-z0-9][A-Za-z0-9 _./:#-]{0,79}$"


class IncidentFacts(BaseModel):
    """The documented facts of an incident, as every incident event carries them (non-identifying)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    external_reference: str | None = Field(
        default=None, description="The documenting organisation's own reference (e.g. its spreadsheet row id)")
    occurred_on: date = Field(description="Date of the incident, or the start of its range, at `date_precision`")
    date_precision: DatePrecision = Field(
        default="day", description="day, month (occurred_on is the 1st), year (1 January) or range")
    occurred_until: date | None = Field(default=None, description="End of the range when date_precision is range")
    region: str = Field(description="Region code from the intake region vocabulary (2023 map)")
    cercle: str | None = Field(default=None, description="Cercle code (region/cercle), if known")
    commune: str | None = Field(default=None, description="Commune code (region/cercle/commune), if known")
    coordinates: Coordinates | None = Field(
        default=None, description="The point coarsened to 0.1 degree (about 11 km); never the exact point")
    exact_location_sha256: str | None = Field(
        default=None, description="Salted SHA-256 of the exact point kept by intake (attests it, reveals nothing)")
    violation_types: list[str] = Field(description="Violation type codes from the intake vocabulary")
    perpetrator_categories: list[str] = Field(
        default_factory=list, description="Categories of the alleged perpetrators (vocabulary perpetrator_categories)")
    acts: list[Act] = Field(default_factory=list,
                            description="The acts: violation, victims (pseudonymous), perpetrators")
    sources: list[Source] = Field(default_factory=list, description="Sources of the information and their ratings")
    confidentiality: Confidentiality = Field(
        default="restricted", description="public, restricted (member organisations) or confidential (owner's "
                                          "documentation officers only)")

    def victim_ids(self) -> list[str]:
        """Every victim named in an act, once."""
        return sorted({victim for act in self.acts for victim in act.victim_ids})


class IncidentDocumented(DomainEvent, IncidentFacts):
    """An incident was documented by a member organisation."""

    event_type: ClassVar[str] = "intake.incident.documented.v1"
    classification: ClassVar[str] = "internal"

    organisation: str = Field(description="Documenting organisation (its code)")
    verification_status: str = Field(default="unverified", description="Verification status when documented")


class IncidentUpdated(DomainEvent, IncidentFacts):
    """Facts of an incident were corrected or completed; carries the full new facts."""

    event_type: ClassVar[str] = "intake.incident.updated.v1"
    classification: ClassVar[str] = "internal"

    changed_fields: list[str] = Field(description="Names of the facts that changed in this update")


class IncidentVerificationChanged(DomainEvent):
    """A documentation officer moved the incident along the verification workflow."""

    event_type: ClassVar[str] = "intake.incident.verification_changed.v1"
    classification: ClassVar[str] = "internal"

    previous_status: str = Field(description="Status before the change (vocabulary verification_statuses)")
    status: str = Field(description="Status after the change (vocabulary verification_statuses)")
    reason: str = Field(description="Why the status changed (institutional wording, no personal data)")


SHA256 = r"^[0-9a-f]{64}$"
NarrativeErasureReason = Literal["consent_withdrawn", "legal_request", "data_minimisation", "identifies_someone",
                                 "other"]


class AccountDigest(BaseModel):
    """One source's account, attested by the SHA-256 of its ciphertext (the text never leaves intake)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: int = Field(ge=0, description="Position of the source in the incident's sources")
    sha256: str = Field(pattern=SHA256, description="SHA-256 of the account's ciphertext kept by intake")
    given_by_victim: str | None = Field(
        default=None, description="Pseudonymous id of the victim who gave it: sealed under her own key, so her "
                                  "erasure erases it")


class IncidentNarrativeRecorded(DomainEvent):
    """The incident's narrative and sources' accounts were written or replaced; only digests of ciphertexts here."""

    event_type: ClassVar[str] = "intake.incident.narrative_recorded.v1"
    classification: ClassVar[str] = "confidential"

    narrative_sha256: str | None = Field(
        default=None, pattern=SHA256, description="SHA-256 of the narrative's ciphertext kept by intake (none: no "
                                                  "narrative)")
    accounts: list[AccountDigest] = Field(default_factory=list, description="The sources' accounts, by source")


class IncidentNarrativeErased(DomainEvent):
    """The incident's narrative and accounts were destroyed (key shredded); the facts stay."""

    event_type: ClassVar[str] = "intake.incident.narrative_erased.v1"
    classification: ClassVar[str] = "internal"

    reason: NarrativeErasureReason = Field(description="Category of the erasure")
    erased_at: datetime = Field(description="When the erasure took effect (UTC)")


class Incident(AggregateState, IncidentFacts):
    """Current state of an incident (the projection document)."""

    model_config = ConfigDict(extra="ignore", frozen=False)

    organisation: str
    verification_status: str = "unverified"
    occurred_end: date | None = None  # last day covered by the date: what date-range filters compare
    narrative_sha256: str | None = None
    source_accounts: list[AccountDigest] = Field(default_factory=list)
    narrative_erased_at: datetime | None = None


def _with_end(incident: Incident) -> Incident:
    incident.occurred_end = last_day_covered(incident.occurred_on, incident.date_precision, incident.occurred_until)
    return incident


def evolve(state: Incident | None, event: DomainEvent) -> Incident:
    """Apply one event to an incident."""
    match event:
        case IncidentDocumented():
            return _with_end(Incident(id="", **event.model_dump()))
        case IncidentUpdated() if state is not None:
            facts = event.model_dump(exclude={"changed_fields"})
            return _with_end(Incident.model_validate({**state.model_dump(), **facts}))
        case IncidentVerificationChanged() if state is not None:
            return state.model_copy(update={"verification_status": event.status})
        case IncidentNarrativeRecorded() if state is not None:
            return state.model_copy(update={"narrative_sha256": event.narrative_sha256,
                                            "source_accounts": list(event.accounts)})
        case IncidentNarrativeErased() if state is not None:
            return state.model_copy(update={"narrative_sha256": None, "source_accounts": [],
                                            "narrative_erased_at": event.erased_at})
    raise ValueError(f"incident cannot apply {type(event).__name__}")


INCIDENT = AggregateType(
    name="incident", topic="intake.incidents", collection="incidents", state_type=Incident,
    events=(IncidentDocumented, IncidentUpdated, IncidentVerificationChanged, IncidentNarrativeRecorded,
            IncidentNarrativeErased), evolve=evolve,
)


def facts_of(incident: Incident) -> IncidentFacts:
    """The facts part of an incident's state."""
    return IncidentFacts.model_validate(incident.model_dump(include=set(IncidentFacts.model_fields)))
