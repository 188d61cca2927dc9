"""Request and response schemas (XCreate / XPublic); inputs refuse unknown fields."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from servicekit.api import DEFAULT_PAGE, PageCursor, PageLimit
from servicekit.i18n import rule_error

from ..domain.campaign import Campaign, CampaignDraft
from ..domain.fields import Code
from ..domain.session import Session, SessionDraft


class Input(BaseModel):
    """Base of query models: unknown parameters are refused."""

    model_config = ConfigDict(extra="forbid")


class SessionCreate(SessionDraft):
    """A session that was held. Participants are counted, never named."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra={"examples": [
        {"held_on": "2024-05-12",
         "region": "mopti",
         "venue": "school",
         "topics": ["victims_rights"],
         "audience": [{"sex": "female", "age_band": "15_17", "count": 22},
                      {"sex": "male", "age_band": "15_17", "count": 19}]}
    ]})


class SessionPublic(Session):
    """A recorded session."""

    # Every field is in every answer (null when absent): the schema says so to the generated clients.
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


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
    """Which sessions to list, and which page."""

    region: Code | None = None
    limit: PageLimit = DEFAULT_PAGE
    cursor: PageCursor = None


class CampaignCreate(CampaignDraft):
    """A campaign to launch."""


class CampaignPublic(Campaign):
    """A launched campaign."""


class CampaignProgress(CampaignPublic):
    """A campaign and its progress per target region."""

    progress: list[dict[str, Any]]
