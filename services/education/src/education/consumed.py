"""Education's own copy of the fields it reads from intake's incident events (the rest is ignored).

Only the region, the date and the verification status of an incident are read: nothing about
victims, perpetrators or places below the region ever reaches education.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, field_validator


def _day(value: object) -> object:
    if isinstance(value, str) and "T" in value:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    return value


def _region(value: object) -> object:
    # Intake codes places as paths ("segou/niono/..."): density is counted per region.
    return value.split("/", 1)[0] if isinstance(value, str) else value


class IncidentDocumentedV1(BaseModel):
    """intake.incident.documented.v1"""

    model_config = ConfigDict(extra="ignore")

    occurred_on: date
    region: str

    _day = field_validator("occurred_on", mode="before")(_day)
    _reg = field_validator("region", mode="before")(_region)


class IncidentUpdatedV1(BaseModel):
    """intake.incident.updated.v1: absent fields are unchanged."""

    model_config = ConfigDict(extra="ignore")

    occurred_on: date | None = None
    region: str | None = None

    _day = field_validator("occurred_on", mode="before")(_day)
    _reg = field_validator("region", mode="before")(_region)


class IncidentVerificationChangedV1(BaseModel):
    """intake.incident.verification_changed.v1"""

    model_config = ConfigDict(extra="ignore")

    status: str
