"""The evidence aggregate: a file's SHA-256 when received and every custody step after it.

Each step (received, accessed, copied, transferred, submitted to a court, integrity failure) is an
event in the item's hash-chained history, with the hash verified at that step: the custody report
is that history.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field
from servicekit.domain import AggregateState, AggregateType, DomainEvent

from .incident_facts import Confidentiality

HOLDER_CODE = r"^[a-z0-9][a-z0-9-]{1,79}$"
CASE_REFERENCE = r"^[A-Za-z0-9][A-Za-z0-9 _./:#-]{0,79}$"
SHA256_HEX = r"^[0-9a-f]{64}$"
CustodyStep = Literal["copied", "transferred", "submitted_to_court"]


class EvidenceRecorded(DomainEvent):
    """An evidence file was received and stored; its SHA-256 was computed while it streamed in."""

    event_type: ClassVar[str] = "intake.evidence.recorded.v1"
    classification: ClassVar[str] = "internal"

    evidence_id: str = Field(description="Id of the evidence item")
    organisation: str = Field(description="Organisation that received it")
    incident_id: str | None = Field(default=None, description="Incident the item documents, if linked")
    sha256: str = Field(pattern=SHA256_HEX, description="SHA-256 of the file as received (hex)")
    size_bytes: int = Field(ge=1, description="Size of the file in bytes")
    media_type: str = Field(description="Media type, checked against the file's magic bytes")
    holder: str = Field(description="Who holds custody now (organisation or institution code)")
    confidentiality: Confidentiality = Field(description="Who may see the item")


class EvidenceAccessed(DomainEvent):
    """The file was read (downloaded) after its hash was re-verified."""

    event_type: ClassVar[str] = "intake.evidence.accessed.v1"
    classification: ClassVar[str] = "internal"

    evidence_id: str = Field(description="Id of the evidence item")
    sha256_verified: str = Field(pattern=SHA256_HEX, description="SHA-256 recomputed before the read")


class EvidenceCopied(DomainEvent):
    """A verified copy of the file was made for another holder (the original stays in custody)."""

    event_type: ClassVar[str] = "intake.evidence.copied.v1"
    classification: ClassVar[str] = "internal"

    evidence_id: str = Field(description="Id of the evidence item")
    destination: str = Field(description="Who received the copy (organisation or institution code)")
    sha256_verified: str = Field(pattern=SHA256_HEX, description="SHA-256 recomputed when the copy was made")


class EvidenceCustodyTransferred(DomainEvent):
    """Custody of the item passed from one holder to another."""

    event_type: ClassVar[str] = "intake.evidence.custody_transferred.v1"
    classification: ClassVar[str] = "internal"

    evidence_id: str = Field(description="Id of the evidence item")
    from_holder: str = Field(description="Holder before the transfer")
    to_holder: str = Field(description="Holder after the transfer")
    sha256_verified: str = Field(pattern=SHA256_HEX, description="SHA-256 recomputed at the transfer")


class EvidenceSubmittedToCourt(DomainEvent):
    """The item was submitted to a court or tribunal."""

    event_type: ClassVar[str] = "intake.evidence.submitted_to_court.v1"
    classification: ClassVar[str] = "internal"

    evidence_id: str = Field(description="Id of the evidence item")
    court: str = Field(description="Court or tribunal code (e.g. icc, pole-judiciaire-specialise-bamako)")
    case_reference: str | None = Field(default=None, description="The court's case or docket reference")
    sha256_verified: str = Field(pattern=SHA256_HEX, description="SHA-256 recomputed at submission")


class EvidenceIntegrityFailed(DomainEvent):
    """The stored file no longer matches its recorded SHA-256: it was refused, loudly."""

    event_type: ClassVar[str] = "intake.evidence.integrity_failed.v1"
    classification: ClassVar[str] = "internal"

    evidence_id: str = Field(description="Id of the evidence item")
    expected_sha256: str = Field(description="SHA-256 recorded when the file was received")
    actual_sha256: str = Field(description="SHA-256 of what the store holds now")
    size_bytes_found: int = Field(description="Size of what the store holds now")
    during: str = Field(description="The step that found it (accessed, copied, transferred, submitted_to_court)")


class Evidence(AggregateState):
    """Current state of an evidence item (the projection document)."""

    organisation: str
    incident_id: str | None = None
    sha256: str
    size_bytes: int
    media_type: str
    holder: str
    confidentiality: Confidentiality
    custody_steps: int = 1
    integrity_failures: int = 0
    submitted_to: list[str] = Field(default_factory=list)


def evolve(state: Evidence | None, event: DomainEvent) -> Evidence:
    """Apply one event to an evidence item."""
    if isinstance(event, EvidenceRecorded):
        return Evidence(id=event.evidence_id, **event.model_dump(exclude={"evidence_id"}))
    if state is None:
        raise ValueError(f"evidence cannot apply {type(event).__name__} before it is recorded")
    steps = state.custody_steps + 1
    match event:
        case EvidenceCustodyTransferred():
            return state.model_copy(update={"holder": event.to_holder, "custody_steps": steps})
        case EvidenceSubmittedToCourt():
            return state.model_copy(update={"submitted_to": [*state.submitted_to, event.court],
                                            "custody_steps": steps})
        case EvidenceIntegrityFailed():
            return state.model_copy(update={"integrity_failures": state.integrity_failures + 1,
                                            "custody_steps": steps})
        case EvidenceAccessed() | EvidenceCopied():
            return state.model_copy(update={"custody_steps": steps})
    raise ValueError(f"evidence cannot apply {type(event).__name__}")


EVIDENCE = AggregateType(
    name="evidence", topic="intake.evidence", collection="evidence", state_type=Evidence,
    events=(EvidenceRecorded, EvidenceAccessed, EvidenceCopied, EvidenceCustodyTransferred,
            EvidenceSubmittedToCourt, EvidenceIntegrityFailed),
    evolve=evolve,
)
