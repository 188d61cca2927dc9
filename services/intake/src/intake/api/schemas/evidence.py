"""Evidence records, custody steps and the custody report."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from servicekit.i18n import rule_error

from ...domain.evidence import CASE_REFERENCE, HOLDER_CODE, CustodyStep, Evidence


class EvidencePublic(BaseModel):
    """An evidence item's record (the bytes are at /evidence/{id}/content)."""

    id: str
    organisation: str
    incident_id: str | None
    sha256: str
    size_bytes: int
    media_type: str
    holder: str
    confidentiality: str
    custody_steps: int
    integrity_failures: int
    submitted_to: list[str]

    @classmethod
    def of(cls, item: Evidence) -> EvidencePublic:
        return cls.model_validate(item.model_dump())


class CustodyStepCreate(BaseModel):
    """A custody step: a verified copy, a transfer of custody or a submission to a court."""

    model_config = ConfigDict(extra="forbid")

    step: CustodyStep
    to: str = Field(pattern=HOLDER_CODE, description="Receiving holder or court code, e.g. icc-otp")
    case_reference: str | None = Field(default=None, pattern=CASE_REFERENCE,
                                       description="The court's case reference (submissions only)")

    @model_validator(mode="after")
    def _reference_only_for_courts(self) -> CustodyStepCreate:
        if self.case_reference is not None and self.step != "submitted_to_court":
            raise rule_error("case_reference_only_for_courts")
        return self


class CustodyReportPublic(BaseModel):
    """The whole chain of custody: every step with actor, time, file hash and commit hashes."""

    evidence: EvidencePublic
    chain_intact: bool
    problems: list[str]
    steps: list[dict[str, Any]]
