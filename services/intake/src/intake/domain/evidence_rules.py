"""Decisions on evidence: record a received file, record custody steps, record an integrity failure."""

from __future__ import annotations

from dataclasses import dataclass

from servicekit.domain import DomainEvent
from servicekit.errors import Conflict, InvalidInput, NotFound

from .access import Viewer, sees_evidence
from .evidence import (
    CustodyStep,
    Evidence,
    EvidenceAccessed,
    EvidenceCopied,
    EvidenceCustodyTransferred,
    EvidenceIntegrityFailed,
    EvidenceRecorded,
    EvidenceSubmittedToCourt,
)
from .incident_facts import Confidentiality


@dataclass(frozen=True)
class Receipt:
    """What streaming the upload established: the hash, the size and the checked media type."""

    sha256: str
    size_bytes: int
    media_type: str


@dataclass(frozen=True)
class StepRequest:
    """A custody step as asked: who receives it, or which court."""

    step: CustodyStep
    to: str
    case_reference: str | None = None


def record(state: Evidence | None, *, evidence_id: str, organisation: str, incident_id: str | None,
           receipt: Receipt, confidentiality: Confidentiality) -> list[DomainEvent]:
    """Record a received file; the receiving organisation is its first holder."""
    if state is not None:
        raise Conflict("evidence_already_recorded")
    if receipt.size_bytes < 1:
        raise InvalidInput("file_empty", field="file")
    return [EvidenceRecorded(evidence_id=evidence_id, organisation=organisation, incident_id=incident_id,
                             sha256=receipt.sha256, size_bytes=receipt.size_bytes, media_type=receipt.media_type,
                             holder=organisation, confidentiality=confidentiality)]


def record_again(state: Evidence | None) -> list[DomainEvent]:
    """A retried upload whose Idempotency-Key matched no earlier request: the item exists, so it is refused."""
    raise Conflict("evidence_already_recorded")


def visible(state: Evidence | None, viewer: Viewer) -> Evidence:
    """The item if the viewer may see it; 404 otherwise (its existence is sensitive)."""
    if state is None or not sees_evidence(viewer, state.organisation, state.confidentiality):
        raise NotFound("evidence_not_found")
    return state


def accessed(state: Evidence | None, *, viewer: Viewer, verified_sha256: str) -> list[DomainEvent]:
    """A verified read of the file."""
    item = visible(state, viewer)
    _same_hash(item, verified_sha256)
    return [EvidenceAccessed(evidence_id=item.id, sha256_verified=verified_sha256)]


def custody_step(state: Evidence | None, *, viewer: Viewer, request: StepRequest,
                 verified_sha256: str) -> list[DomainEvent]:
    """Copy, transfer or submission to a court, each with the hash verified at that moment."""
    item = visible(state, viewer)
    _same_hash(item, verified_sha256)
    if request.step == "copied":
        return [EvidenceCopied(evidence_id=item.id, destination=request.to, sha256_verified=verified_sha256)]
    if request.step == "transferred":
        if request.to == item.holder:
            raise Conflict("evidence_already_held", field="to")
        return [EvidenceCustodyTransferred(evidence_id=item.id, from_holder=item.holder, to_holder=request.to,
                                           sha256_verified=verified_sha256)]
    return [EvidenceSubmittedToCourt(evidence_id=item.id, court=request.to, case_reference=request.case_reference,
                                     sha256_verified=verified_sha256)]


def integrity_failed(state: Evidence | None, *, actual_sha256: str, size_bytes: int, during: str) -> list[DomainEvent]:
    """Record that the stored bytes no longer match the recorded hash."""
    if state is None:
        raise NotFound("evidence_not_found")
    return [EvidenceIntegrityFailed(evidence_id=state.id, expected_sha256=state.sha256, actual_sha256=actual_sha256,
                                    size_bytes_found=size_bytes, during=during)]


def _same_hash(item: Evidence, verified_sha256: str) -> None:
    # The handler verifies before deciding; a mismatch here means it skipped that step: refuse loudly.
    if verified_sha256 != item.sha256:
        raise Conflict("evidence_hash_mismatch")
