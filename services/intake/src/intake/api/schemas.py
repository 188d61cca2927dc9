"""Request and response schemas (XCreate / XPublic)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from ..domain.incident import Confidentiality


class IncidentCreate(BaseModel):
    """What a monitor sends to document an incident."""

    model_config = ConfigDict(extra="forbid")

    occurred_on: date = Field(description="Date of the incident")
    region: str = Field(min_length=1, max_length=64, description="Region code")
    violation_types: list[str] = Field(min_length=1, max_length=20, description="Violation type codes")
    confidentiality: Confidentiality = "restricted"


class IncidentCreated(BaseModel):
    """The id of the documented incident."""

    id: str
