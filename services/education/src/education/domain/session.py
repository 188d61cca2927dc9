"""The session aggregate: one education session held, its audience counted, never named."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field
from servicekit.domain import AggregateState, AggregateType, DomainEvent
from servicekit.errors import Conflict, InvalidInput

from .places import check_place
from .terms import check_term, check_terms

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
        check_term("age_bands", cell.age_band, field=f"audience.{n}.age_band")
    if len({(c.sex, c.age_band) for c in audience}) != len(audience):
        raise InvalidInput("audience_counted_twice", field="audience")
    total = sum(c.count for c in audience)
    if total == 0:
        raise InvalidInput("session_without_participants", field="audience")
    if quiz is not None and quiz.respondents > total:
        raise InvalidInput("quiz_respondents_exceed", field="quiz.respondents")


def hold(state: Session | None, *, organisation: str, facilitating_organisation: str, held_on: date, today: date,
         region: str, cercle: str | None, venue: str, topics: list[str], audience: list[AudienceCount],
         materials: list[str], quiz: QuizAverages | None, campaign_id: str | None) -> list[DomainEvent]:
    """Decide to record a held session; rules fail before anything is written."""
    if state is not None:
        raise Conflict("session_already_recorded")
    if held_on > today:
        raise InvalidInput("session_in_future", field="held_on")
    check_place(region, cercle)
    check_term("venues", venue, field="venue")
    check_terms("topics", topics, field="topics")
    check_audience(audience, quiz)
    return [SessionHeld(organisation=organisation, facilitating_organisation=facilitating_organisation,
                        held_on=held_on, region=region, cercle=cercle, venue=venue, topics=sorted(set(topics)),
                        audience=audience, materials=materials, quiz=quiz, campaign_id=campaign_id)]
