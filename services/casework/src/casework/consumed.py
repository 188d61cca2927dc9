"""Casework's models of the events it consumes from intake: the fields it reads, nothing more."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from .domain.common import ID_PATTERN, ORGANISATION_PATTERN


class VictimReferredV1(BaseModel):
    """Casework's copy of the fields it reads from intake.victim.referred.v1."""

    model_config = ConfigDict(extra="ignore")

    referral_id: str = Field(pattern=ID_PATTERN)
    victim_id: str = Field(pattern=ID_PATTERN)
    needs: list[str] = Field(default_factory=list, max_length=50)
    urgency: str = Field(default="medium", pattern=r"^[a-z_]{1,20}$")
    incident_ids: list[str] = Field(default_factory=list, max_length=200)
    referring_organisation: str = Field(min_length=1, max_length=100)
    receiving_organisation: str | None = Field(default=None, pattern=ORGANISATION_PATTERN,
                                               description="Absent on referrals made before addressees")
    name_ciphertext: str | None = Field(default=None, max_length=4096)
    referred_at: datetime | None = Field(default=None, description="When absent, the event's own time")


class ConsentChangedV1(BaseModel):
    """Casework's copy of the fields it reads from intake.victim.consent_changed.v1."""

    model_config = ConfigDict(extra="ignore")

    victim_id: str = Field(pattern=ID_PATTERN)
    legal_support: bool
    version: int | None = Field(default=None, ge=1, description="Intake's consent version, when it sends one")
    sharing: list[str] | None = Field(default=None, max_length=50,
                                      description="Organisations the victim shares her file with")


class VictimErasedV1(BaseModel):
    """Casework's copy of the fields it reads from intake.victim.erased.v1."""

    model_config = ConfigDict(extra="ignore")

    victim_id: str = Field(pattern=ID_PATTERN)
    erased_at: datetime
