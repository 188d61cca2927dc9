"""The recommendation aggregate: what was recommended to the State, and its follow-up history."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import BaseModel, Field
from servicekit.domain import AggregateState, AggregateType, DomainEvent
from servicekit.errors import Conflict, Forbidden, InvalidInput, NotFound
from servicekit.vocabulary import require_code

from .vocabulary import allowed_transitions, vocabulary

INITIAL_STATUS = "made"


class RecommendationMade(DomainEvent):
    """A recommendation was made to a State body (or a regional or international one)."""

    event_type: ClassVar[str] = "advocacy.recommendation.made.v1"
    classification: ClassVar[str] = "internal"

    organisation: str = Field(description="Organisation that made the recommendation (its code)")
    addressee: str = Field(description="Body the recommendation is addressed to (vocabulary target_bodies)")
    text: str = Field(description="The recommendation (institutional wording, no personal data)")
    made_on: date = Field(description="Date the recommendation was made")
    source: str | None = Field(default=None, description="Where it was made: an action id, a report id, or an "
                                                         "external reference such as a UPR paragraph")


class RecommendationStatusChanged(DomainEvent):
    """The follow-up status of a recommendation changed."""

    event_type: ClassVar[str] = "advocacy.recommendation.status_changed.v1"
    classification: ClassVar[str] = "internal"

    from_status: str = Field(description="Status before (vocabulary recommendation_statuses)")
    to_status: str = Field(description="Status after (vocabulary recommendation_statuses)")
    changed_on: date = Field(description="Date the new status was observed")
    note: str | None = Field(default=None, description="What was observed (institutional wording, no personal data)")
    evidence: list[str] = Field(description="References (https URLs or archive ids) supporting the new status")


class StatusEntry(BaseModel):
    """One step of a recommendation's history."""

    status: str
    on: date
    note: str | None = None
    evidence: list[str] = Field(default_factory=list)


class Recommendation(AggregateState):
    """Current state of a recommendation, with its full status history."""

    organisation: str
    addressee: str
    text: str
    made_on: date
    source: str | None = None
    status: str
    history: list[StatusEntry]


def evolve(state: Recommendation | None, event: DomainEvent) -> Recommendation:
    """Apply one event to a recommendation."""
    match event:
        case RecommendationMade() if state is None:
            first = StatusEntry(status=INITIAL_STATUS, on=event.made_on)
            return Recommendation(id="", status=INITIAL_STATUS, history=[first], **event.model_dump())
        case RecommendationStatusChanged() if state is not None:
            entry = StatusEntry(status=event.to_status, on=event.changed_on, note=event.note, evidence=event.evidence)
            return state.model_copy(update={"status": event.to_status, "history": [*state.history, entry]})
    raise ValueError(f"recommendation cannot apply {type(event).__name__}")


RECOMMENDATION = AggregateType(name="recommendation", topic="advocacy.recommendations",
                               collection="recommendations", state_type=Recommendation,
                               events=(RecommendationMade, RecommendationStatusChanged), evolve=evolve)


def make(state: Recommendation | None, *, organisation: str, addressee: str, text: str, made_on: date,
         today: date, source: str | None) -> list[DomainEvent]:
    """Decide to record a new recommendation."""
    if state is not None:
        raise Conflict("recommendation_already_exists")
    require_code(vocabulary("target_bodies"), addressee, field="addressee")
    if made_on > today:
        raise InvalidInput("recommendation_before_made", field="made_on")
    return [RecommendationMade(organisation=organisation, addressee=addressee, text=text, made_on=made_on,
                               source=source)]


def change_status(state: Recommendation | None, *, organisation: str, to_status: str, changed_on: date,
                  today: date, note: str | None, evidence: list[str]) -> list[DomainEvent]:
    """Decide a status change: allowed transition, an owner's change, a date in order."""
    if state is None:
        raise NotFound("recommendation_not_found")
    if state.organisation != organisation:
        raise Forbidden("recommendation_other_organisation")
    require_code(vocabulary("recommendation_statuses"), to_status, field="to_status")
    if to_status not in allowed_transitions(state.status):
        raise Conflict("recommendation_move_not_allowed", field="to_status", from_status=state.status,
                       to_status=to_status,
                       allowed=list(allowed_transitions(state.status)))
    if changed_on > today:
        raise InvalidInput("status_before_observed", field="changed_on")
    if changed_on < state.history[-1].on:
        raise InvalidInput("date_before_current_status", field="changed_on", current_on=str(state.history[-1].on))
    return [RecommendationStatusChanged(from_status=state.status, to_status=to_status, changed_on=changed_on,
                                        note=note, evidence=list(dict.fromkeys(evidence)))]
