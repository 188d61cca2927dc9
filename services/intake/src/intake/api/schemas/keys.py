"""Key release and KEK rotation requests and responses."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ...config import KeyPurpose
from ...domain.consent import OrganisationCode


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
