"""Intake's own copies of the fields it reads from casework's events (unknown fields ignored).

Ids are checked so a malformed record goes to the dead-letter topic rather than into the store.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .domain.incident_facts import PSEUDONYMOUS_ID

# Deciding organisations are the case managers' token claims: any code the identity provider gives.
ORGANISATION = r"^[^\x00-\x1f\x7f]{1,100}$"


class _Consumed(BaseModel):
    model_config = ConfigDict(extra="ignore")

    referral_id: str = Field(pattern=PSEUDONYMOUS_ID)


class ReferralAcceptedV1(_Consumed):
    """casework.referral.accepted.v1"""

    case_id: str = Field(pattern=PSEUDONYMOUS_ID)
    organisation: str = Field(pattern=ORGANISATION)


class ReferralDeclinedV1(_Consumed):
    """casework.referral.declined.v1"""

    organisation: str = Field(pattern=ORGANISATION)
    reason: str = Field(max_length=64)


class ReferralTransferredV1(_Consumed):
    """casework.referral.transferred.v1"""

    from_organisation: str = Field(pattern=ORGANISATION)
    to_organisation: str = Field(pattern=ORGANISATION)


class CaseOpenedV1(_Consumed):
    """casework.case.opened.v1"""

    case_id: str = Field(pattern=PSEUDONYMOUS_ID)
    organisation: str = Field(pattern=ORGANISATION)


class CaseVictimJoinedV1(_Consumed):
    """casework.case.victim_joined.v1"""

    case_id: str = Field(pattern=PSEUDONYMOUS_ID)


class CaseVictimRemovedV1(BaseModel):
    """casework.case.victim_removed.v1 (the referral is named when casework knows it)."""

    model_config = ConfigDict(extra="ignore")

    case_id: str = Field(pattern=PSEUDONYMOUS_ID)
    referral_id: str | None = Field(default=None, pattern=PSEUDONYMOUS_ID)
    reason: str = Field(max_length=64)
