"""The incident aggregate: what happened, where and when (identities never live here)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field
from servicekit.domain import AggregateState, AggregateType, DomainEvent
from servicekit.errors import Conflict, InvalidInput

Confidentiality = Literal["public", "restricted", "confidential"]


class IncidentDocumented(DomainEvent):
    """An incident was documented by a monitor of a member organisation."""

    event_type: ClassVar[str] = "intake.incident.documented.v1"
    classification: ClassVar[str] = "internal"

    organisation: str = Field(description="Documenting organisation (its code)")
    occurred_on: date = Field(description="Date of the incident (or the start of its range)")
    region: str = Field(description="Region code from the intake region vocabulary")
    violation_types: list[str] = Field(description="Violation type codes from the intake vocabulary")
    confidentiality: Confidentiality = Field(description="Who may see the incident's details")


class Incident(AggregateState):
    """Current state of an incident (the projection document)."""

    organisation: str
    occurred_on: date
    region: str
    violation_types: list[str]
    confidentiality: Confidentiality


def evolve(state: Incident | None, event: DomainEvent) -> Incident:
    """Apply one event to an incident."""
    match event:
        case IncidentDocumented():
            return Incident(id="", **event.model_dump())
    raise ValueError(f"incident cannot apply {type(event).__name__}")


INCIDENT = AggregateType(name="incident", topic="intake.incidents", collection="incidents",
                         state_type=Incident, events=(IncidentDocumented,), evolve=evolve)


def document(state: Incident | None, *, organisation: str, occurred_on: date, today: date, region: str,
             violation_types: list[str], confidentiality: Confidentiality) -> list[DomainEvent]:
    """Decide to document a new incident; rules fail before anything is written."""
    if state is not None:
        raise Conflict("this incident is already documented")
    if occurred_on > today:
        raise InvalidInput("the incident date is in the future", field="occurred_on")
    if not violation_types:
        raise InvalidInput("at least one violation type is required", field="violation_types")
    return [IncidentDocumented(organisation=organisation, occurred_on=occurred_on, region=region,
                               violation_types=sorted(set(violation_types)), confidentiality=confidentiality)]
