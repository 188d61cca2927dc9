"""Request and response schemas (XCreate / XPublic); inputs refuse unknown fields."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from servicekit.api import DEFAULT_PAGE, PageCursor, PageLimit, Period

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
