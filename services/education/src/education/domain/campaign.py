"""The campaign aggregate: goals and per-region targets over a period."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field
from servicekit.domain import AggregateState, AggregateType, DomainEvent
from servicekit.errors import Conflict, InvalidInput

from .fields import Code, ShortText
from .places import check_place
from .vocabularies import require_codes


class RegionTarget(BaseModel):
    """What a campaign aims for in one region."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    region: str = Field(description="Region code (2023 administrative map)")
    youth_target: int = Field(ge=0, le=10_000_000, description="Young people (under 25) to reach")
    sessions_target: int = Field(ge=0, le=100_000, description="Sessions to hold")


class CampaignDraft(BaseModel):
    """A campaign to launch (the command): goals and per-region targets over a period."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: ShortText
    goals: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(min_length=1, max_length=20)
    topics: list[Code] = Field(min_length=1, max_length=20)
    period_start: date
    period_end: date
    targets: list[RegionTarget] = Field(min_length=1, max_length=25)


class CampaignLaunched(DomainEvent):
    """An education campaign was launched with goals and per-region targets over a period."""

    event_type: ClassVar[str] = "education.campaign.launched.v1"
    classification: ClassVar[str] = "internal"

    organisation: str = Field(description="Organisation running the campaign (its code)")
    name: str = Field(description="Name of the campaign")
    goals: list[str] = Field(description="What the campaign wants to achieve, in plain words")
    topics: list[str] = Field(description="Topic codes (vocabulary topics)")
    period_start: date = Field(description="First day of the campaign")
    period_end: date = Field(description="Last day of the campaign")
    targets: list[RegionTarget] = Field(description="Targets per region")


class Campaign(AggregateState):
    """A launched campaign (the projection document)."""

    organisation: str
    name: str
    goals: list[str]
    topics: list[str]
    period_start: date
    period_end: date
    targets: list[RegionTarget]

    def covers(self, region: str, day: date) -> bool:
        """Whether a session in that region on that day counts towards the campaign."""
        return self.period_start <= day <= self.period_end and any(t.region == region for t in self.targets)


def evolve(state: Campaign | None, event: DomainEvent) -> Campaign:
    """Apply one event to a campaign."""
    match event:
        case CampaignLaunched() if state is None:
            return Campaign(id="", **event.model_dump())
    raise ValueError(f"campaign cannot apply {type(event).__name__}")


CAMPAIGN = AggregateType(name="campaign", topic="education.campaigns", collection="campaigns",
                         state_type=Campaign, events=(CampaignLaunched,), evolve=evolve)


def launch(state: Campaign | None, draft: CampaignDraft, *, organisation: str) -> list[DomainEvent]:
    """Decide to launch a campaign: a real period, known topics and regions, one target per region."""
    if state is not None:
        raise Conflict("campaign_already_launched")
    if draft.period_end < draft.period_start:
        raise InvalidInput("campaign_reversed", field="period_end")
    require_codes("topics", draft.topics, field="topics")
    for n, target in enumerate(draft.targets):
        check_place(target.region, None, field=f"targets.{n}.region")
    if len({t.region for t in draft.targets}) != len(draft.targets):
        raise InvalidInput("region_target_twice", field="targets")
    return [CampaignLaunched(**draft.model_dump(exclude={"topics", "targets"}), organisation=organisation,
                             topics=sorted(set(draft.topics)), targets=draft.targets)]
