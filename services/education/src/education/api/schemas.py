"""Request and response schemas (XCreate / XPublic); inputs refuse unknown fields."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from servicekit.i18n import rule_error

from ..domain.campaign import RegionTarget
from ..domain.session import AudienceCount, QuizAverages

Code = Annotated[str, Field(min_length=1, max_length=64)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
OrganisationName = Annotated[str, Field(pattern=r"^[^\x00-\x1f\x7f]{1,120}$",
                                        description="An organisation, never a person")]


class Input(BaseModel):
    """Base of request bodies and query models."""

    model_config = ConfigDict(extra="forbid")


class SessionCreate(Input):
    """A session that was held. Participants are counted, never named."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"held_on": "2024-05-12",
         "region": "mopti",
         "venue": "school",
         "topics": ["victims_rights"],
         "audience": [{"sex": "female", "age_band": "15_17", "count": 22},
                      {"sex": "male", "age_band": "15_17", "count": 19}]}
    ]})

    held_on: date
    region: Code = Field(description="Region code")
    cercle: Code | None = Field(default=None, description="Cercle code (region/cercle)")
    venue: Code = Field(description="Venue code (vocabulary venues)")
    topics: list[Code] = Field(min_length=1, max_length=20, description="Topic codes (vocabulary topics)")
    audience: list[AudienceCount] = Field(min_length=1, max_length=20,
                                          description="Participants by sex and age band")
    facilitating_organisation: OrganisationName | None = Field(
        default=None, description="Facilitating organisation, if not the caller's own")
    materials: list[ShortText] = Field(default_factory=list, max_length=30)
    quiz: QuizAverages | None = None
    campaign_id: Code | None = Field(default=None, description="Campaign the session counts towards")


class SessionPublic(BaseModel):
    """A recorded session."""

    id: str
    organisation: str
    facilitating_organisation: str
    held_on: date
    region: str
    cercle: str | None
    venue: str
    topics: list[str]
    audience: list[AudienceCount]
    materials: list[str]
    quiz: QuizAverages | None
    campaign_id: str | None


class Period(Input):
    """An inclusive period; an absent bound is open."""

    period_start: date | None = None
    period_end: date | None = None

    @field_validator("period_end")
    @classmethod
    def _ends_after_start(cls, end: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("period_start")
        if start and end and end < start:
            raise rule_error("period_reversed")
        return end


class SessionFilter(Period):
    """Which sessions to list."""

    region: Code | None = None


class CampaignCreate(Input):
    """A campaign to launch."""

    name: ShortText
    goals: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(min_length=1, max_length=20)
    topics: list[Code] = Field(min_length=1, max_length=20)
    period_start: date
    period_end: date
    targets: list[RegionTarget] = Field(min_length=1, max_length=25)


class CampaignPublic(BaseModel):
    """A launched campaign."""

    id: str
    organisation: str
    name: str
    goals: list[str]
    topics: list[str]
    period_start: date
    period_end: date
    targets: list[RegionTarget]


class CampaignProgress(CampaignPublic):
    """A campaign and its progress per target region."""

    progress: list[dict[str, Any]]
