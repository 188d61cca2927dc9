"""The session aggregate: one education session held, its audience counted, never named."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field
from servicekit.domain import AggregateState, AggregateType, DomainEvent
from servicekit.errors import Conflict, InvalidInput
from servicekit.vocabulary import require_code

from .campaign import Campaign
from .fields import Code, OrganisationName, ShortText
from .places import check_place
from .vocabularies import require_codes, vocabulary

Sex = Literal["female", "male"]


class AudienceCount(BaseModel):
    """How many participants of one sex and age band attended (a count, never a list of people)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sex: Sex = Field(description="female or male")
    age_band: str = Field(description="Age band code (vocabulary age_bands: under_15, 15_17, 18_24, 25_plus)")
    count: int = Field(ge=0, le=100_000, description="Number of participants")


class QuizAverages(BaseModel):
    """Average scores of an optional knowledge quiz taken before and after the session (0-100)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pre_average: float = Field(ge=0, le=100, description="Average score before the session")
    post_average: float = Field(ge=0, le=100, description="Average score after the session")
    respondents: int = Field(ge=1, description="How many participants took both quizzes")


class SessionDraft(BaseModel):
    """What an educator records of a session held (the command); participants are counted, never named."""

    model_config = ConfigDict(extra="forbid", frozen=True)

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


class SessionHeld(DomainEvent):
    """An education session was held; its audience is counted by sex and age band, with no identities."""

    event_type: ClassVar[str] = "education.session.held.v1"
    classification: ClassVar[str] = "internal"

    organisation: str = Field(description="Organisation that recorded the session (its code)")
    facilitating_organisation: str = Field(description="Organisation that facilitated the session")
    held_on: date = Field(description="Date the session was held")
    region: str = Field(description="Region code (2023 administrative map)")
    cercle: str | None = Field(default=None, description="Cercle code (region/cercle), if recorded")
    venue: str = Field(description="Venue code (vocabulary venues: school, university, radio, community, online)")
    topics: list[str] = Field(description="Topic codes (vocabulary topics)")
    audience: list[AudienceCount] = Field(description="Participants by sex and age band")
    materials: list[str] = Field(description="Materials used (titles or catalogue codes)")
    quiz: QuizAverages | None = Field(default=None, description="Optional pre/post quiz averages")
    campaign_id: str | None = Field(default=None, description="Campaign the session belongs to, if any")


class Session(AggregateState):
    """A held session (the projection document)."""

    organisation: str
    facilitating_organisation: str
    held_on: date
    region: str
    cercle: str | None = None
    venue: str
    topics: list[str]
    audience: list[AudienceCount]
    materials: list[str]
    quiz: QuizAverages | None = None
    campaign_id: str | None = None

    @property
    def participants(self) -> int:
        return sum(cell.count for cell in self.audience)


def evolve(state: Session | None, event: DomainEvent) -> Session:
    """Apply one event to a session."""
    match event:
        case SessionHeld() if state is None:
            return Session(id="", **event.model_dump())
    raise ValueError(f"session cannot apply {type(event).__name__}")


SESSION = AggregateType(name="session", topic="education.sessions", collection="sessions", state_type=Session,
                        events=(SessionHeld,), evolve=evolve)


def check_audience(audience: list[AudienceCount], quiz: QuizAverages | None) -> None:
    """Known age bands, one count per sex and band, someone present, quiz respondents among them."""
    for n, cell in enumerate(audience):
        require_code(vocabulary("age_bands"), cell.age_band, field=f"audience.{n}.age_band")
    if len({(c.sex, c.age_band) for c in audience}) != len(audience):
        raise InvalidInput("audience_counted_twice", field="audience")
    total = sum(c.count for c in audience)
    if total == 0:
        raise InvalidInput("session_without_participants", field="audience")
    if quiz is not None and quiz.respondents > total:
        raise InvalidInput("quiz_respondents_exceed", field="quiz.respondents")


def check_campaign(draft: SessionDraft, organisation: str, campaign: Campaign | None) -> None:
    """A session may count towards a campaign of its organisation that covers its region and date."""
    if draft.campaign_id is None:
        return
    if campaign is None or campaign.organisation != organisation:
        raise InvalidInput("campaign_not_of_organisation", field="campaign_id")
    if not campaign.covers(draft.region, draft.held_on):
        raise InvalidInput("campaign_not_covering", field="campaign_id")


def hold(state: Session | None, draft: SessionDraft, *, organisation: str, today: date,
         campaign: Campaign | None) -> list[DomainEvent]:
    """Decide to record a held session (`campaign` is the one it names, if found); rules fail before any write."""
    if state is not None:
        raise Conflict("session_already_recorded")
    if draft.held_on > today:
        raise InvalidInput("session_in_future", field="held_on")
    check_place(draft.region, draft.cercle)
    require_code(vocabulary("venues"), draft.venue, field="venue")
    require_codes("topics", draft.topics, field="topics")
    check_audience(draft.audience, draft.quiz)
    check_campaign(draft, organisation, campaign)
    facts = draft.model_dump(exclude={"facilitating_organisation", "topics", "audience", "quiz"})
    return [SessionHeld(**facts, organisation=organisation, topics=sorted(set(draft.topics)),
                        facilitating_organisation=draft.facilitating_organisation or organisation,
                        audience=draft.audience, quiz=draft.quiz)]
