"""Victim requests and responses: registration, file, consent, referral, erasure."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ...domain.consent import Consent, OrganisationCode
from ...domain.incident_facts import PSEUDONYMOUS_ID
from ...domain.victim import AgeBand, ErasureReason, Need, Referral, Sex, Urgency
from ...identities import VictimIdentity

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
