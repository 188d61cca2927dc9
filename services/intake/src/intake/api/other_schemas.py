"""Victim, key, evidence and import schemas (XCreate / XPublic)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from servicekit.i18n import catalogue, rule_error

from ..config import KeyPurpose
from ..domain.consent import Consent, OrganisationCode
from ..domain.evidence import CASE_REFERENCE, HOLDER_CODE, CustodyStep, Evidence
from ..domain.incident_facts import PSEUDONYMOUS_ID
from ..domain.victim import AgeBand, ErasureReason, Need, Referral, Sex, Urgency
from ..identities import VictimIdentity

STALE_IMPORT = timedelta(minutes=2)
IncidentId = Annotated[str, StringConstraints(pattern=PSEUDONYMOUS_ID)]


class VictimCreate(BaseModel):
    """A victim to register: statistics in clear, identity encrypted at rest, consent per purpose."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"sex": "female",
         "age_band": "25-39",
         "region": "mopti",
         "identity": {"name": "Nom fictif"},
         "consent": {"legal_support": True, "sharing": ["org-legal"]}}
    ]})

    sex: Sex
    age_band: AgeBand
    region: str = Field(min_length=1, max_length=64, description="Region code of residence")
    identity: VictimIdentity = Field(default_factory=VictimIdentity, description="Identifying data (encrypted)")
    consent: Consent = Field(default_factory=Consent, description="Consent per purpose (all refused by default)")


class VictimCreated(BaseModel):
    id: str


class VictimPublic(BaseModel):
    """A victim's file as its organisation sees it (every read is audited)."""

    id: str
    organisation: str
    sex: Sex
    age_band: AgeBand
    region: str
    identity: VictimIdentity
    consent: Consent
    consent_version: int
    referrals: list[Referral]


class ConsentChanged(BaseModel):
    victim_id: str
    consent_version: int


class ReferralCreate(BaseModel):
    """A referral to legal support."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"needs": ["legal_representation"], "urgency": "high", "receiving_organisation": "org-legal"}
    ]})

    needs: list[Need] = Field(min_length=1, max_length=8, description="What the victim needs")
    urgency: Urgency = Field(description="How urgent")
    incident_ids: list[IncidentId] = Field(default_factory=list, max_length=50, description="Incidents concerned")
    receiving_organisation: OrganisationCode = Field(
        description="The legal-aid organisation the referral is addressed to: one the victim consented to share "
                    "with (GET /vocabularies/organisations, kind legal_aid)")


class ReferralCreated(BaseModel):
    referral_id: str
    victim_id: str


class ErasureRequest(BaseModel):
    """Why the victim's data is erased (a category: the reason text itself could identify)."""

    model_config = ConfigDict(extra="forbid")

    reason: ErasureReason


class ErasureDone(BaseModel):
    victim_id: str
    erased_at: datetime | None


class KeyReleaseRequest(BaseModel):
    """What the key is for and, for legal support, on behalf of which legal-aid organisation."""

    model_config = ConfigDict(extra="forbid")

    purpose: KeyPurpose
    organisation: OrganisationCode | None = Field(
        default=None, description="For legal_support: the legal-aid organisation the key is released to act for; "
                                  "the victim must have consented to share with it")


class KeyReleased(BaseModel):
    """A victim's data key (base64url); keep it in memory only, at most `expires_in` seconds."""

    victim_id: str
    data_key: str
    expires_in: int


class RotationDone(BaseModel):
    rewrapped: int
    already_current: int
    failed: int
    kek_id: str


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


class ImportJobPublic(BaseModel):
    """Progress and per-row report of an import, in the reader's language."""

    id: str
    kind: Literal["incidents", "victims", "acts"] = Field(default="incidents", description="What the file holds")
    status: Literal["running", "completed", "failed", "interrupted"] = Field(
        description="interrupted: no progress for a while (the API restarted); upload the file again to finish")
    total: int = Field(description="Data rows in the file")
    accepted: int = Field(description="Rows to import: all of them when every row passed, else 0 (nothing imported)")
    rejected: int = Field(description="Rows refused by validation (see errors); any refused row stops the import")
    processed: int = Field(description="Accepted rows imported so far")
    created: int
    updated: int
    unchanged: int
    failed: int
    errors: list[dict[str, Any]] = Field(
        description="Per row: spreadsheet row number, field, code and reason (in the reader's language)")
    errors_truncated: bool
    reading: dict[str, Any] = Field(
        default_factory=dict, description="How the file was read: file_format, encoding, columns (header cell -> "
                                          "column) and labels (a label in either language -> vocabulary code)")
    started_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, document: dict[str, Any], language: str = "fr") -> ImportJobPublic:
        status = document["status"]
        updated_at = document.get("updated_at")
        if status == "running" and updated_at is not None and datetime.now(UTC) - updated_at > STALE_IMPORT:
            status = "interrupted"  # imports are idempotent: uploading the file again completes it
        errors = [_row_error(error, language) for error in document.get("errors", [])]
        return cls.model_validate({**document, "id": document["_id"], "status": status, "errors": errors})


def _row_error(error: dict[str, Any], language: str) -> dict[str, Any]:
    """A stored row error with its reason written in `language` (older jobs kept an English reason)."""
    if "code" not in error:
        return error
    reason = catalogue("intake").text(error["code"], language, error.get("params") or {})
    return {"row": error["row"], "field": error["field"], "code": error["code"], "reason": reason}
