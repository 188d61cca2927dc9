"""The advocacy action aggregate: who was addressed, how, when, and the figures cited, frozen."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field
from servicekit.domain import AggregateState, AggregateType, DomainEvent
from servicekit.errors import Conflict, InvalidInput
from servicekit.vocabulary import require_code

from .vocabulary import vocabulary

# A document id of a partner's archive, or an https URL: attachments travel by reference only.
REFERENCE = r"^(https://[^\s]{1,500}|[A-Za-z0-9][A-Za-z0-9_.:/-]{0,199})$"
SHA256 = r"^[0-9a-f]{64}$"


class AttachmentRef(BaseModel):
    """A document attached by reference (never uploaded here)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, max_length=200, description="Title of the document")
    reference: str = Field(pattern=REFERENCE, description="https URL or the document's id in a partner archive")
    sha256: str | None = Field(default=None, pattern=SHA256, description="SHA-256 of the document, if known")


class IndicatorSnapshot(BaseModel):
    """An indicator as it stood when the action was taken, already under disclosure control."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicator: str = Field(description="Indicator name, e.g. incidents_by_region")
    parameters: dict[str, Any] = Field(description="Filters the figures were computed with (period, verified_only)")
    figures: dict[str, Any] = Field(description="The protected figures exactly as published ('<k' and 'x' markers)")
    computed_at: datetime = Field(description="When the figures were computed")
    generation: int = Field(description="Projection generation the figures were read from")


class ActionLogged(DomainEvent):
    """An advocacy officer logged an action towards a national, regional or international body."""

    event_type: ClassVar[str] = "advocacy.action.logged.v1"
    classification: ClassVar[str] = "internal"

    organisation: str = Field(description="Organisation that took the action (its code)")
    target_body: str = Field(description="Body addressed (advocacy vocabulary target_bodies)")
    action_type: str = Field(description="Kind of action (advocacy vocabulary action_types)")
    taken_on: date = Field(description="Date the action was taken")
    title: str = Field(description="Short public title of the action (no personal data)")
    summary: str | None = Field(default=None, description="What was asked or said (institutional wording, no "
                                                          "personal data)")
    attachments: list[AttachmentRef] = Field(description="Documents attached by reference")
    cited_indicators: list[IndicatorSnapshot] = Field(description="Frozen snapshots of the indicators cited")
    recommendation_ids: list[str] = Field(description="Recommendations this action follows up, if any")


class Action(AggregateState):
    """Current state of an action (the projection document); actions are immutable once logged."""

    organisation: str
    target_body: str
    action_type: str
    taken_on: date
    title: str
    summary: str | None = None
    attachments: list[AttachmentRef]
    cited_indicators: list[IndicatorSnapshot]
    recommendation_ids: list[str]


def evolve(state: Action | None, event: DomainEvent) -> Action:
    """Apply one event to an action."""
    match event:
        case ActionLogged() if state is None:
            return Action(id="", **event.model_dump())
    raise ValueError(f"action cannot apply {type(event).__name__}")


ACTION = AggregateType(name="action", topic="advocacy.actions", collection="actions", state_type=Action,
                       events=(ActionLogged,), evolve=evolve)


def require_terms(*, target_body: str, action_type: str) -> None:
    """The action's two codes, or the kit's 422 naming the field at fault and its allowed codes."""
    require_code(vocabulary("target_bodies"), target_body, field="target_body")
    require_code(vocabulary("action_types"), action_type, field="action_type")


def log(state: Action | None, *, organisation: str, target_body: str, action_type: str, taken_on: date,
        today: date, title: str, summary: str | None, attachments: list[AttachmentRef],
        cited_indicators: list[IndicatorSnapshot], recommendation_ids: list[str]) -> list[DomainEvent]:
    """Decide to log an action; rules fail before anything is written."""
    if state is not None:
        raise Conflict("action_already_logged")
    require_terms(target_body=target_body, action_type=action_type)
    if taken_on > today:
        raise InvalidInput("action_before_taken", field="taken_on")
    if len({a.reference for a in attachments}) != len(attachments):
        raise InvalidInput("attachment_twice", field="attachments")
    return [ActionLogged(organisation=organisation, target_body=target_body, action_type=action_type,
                         taken_on=taken_on, title=title, summary=summary, attachments=attachments,
                         cited_indicators=cited_indicators, recommendation_ids=sorted(set(recommendation_ids)))]
