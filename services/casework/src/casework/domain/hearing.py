"""The hearing aggregate: scheduled, rescheduled (postponed), held or cancelled (no I/O).

Every event names the victims concerned (pseudonymous ids), the court and city and the date-time
in Africa/Bamako, so notify can tell the victims without asking anyone.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, Field
from servicekit.domain import AggregateState, AggregateType, DomainEvent
from servicekit.errors import Conflict, InvalidInput, NotFound

from ..vocabularies import require_court, require_term
from .common import BamakoDateTime, SafeId, require_future_start, to_bamako


class HearingFacts(DomainEvent):
    """Fields every hearing event carries."""

    hearing_id: SafeId = Field(description="Hearing id")
    case_id: SafeId = Field(description="Case the hearing belongs to")
    victim_ids: list[SafeId] = Field(description="Pseudonymous ids of the victims concerned")
    court_code: str = Field(description="Court code (casework courts vocabulary)")
    court_name: str = Field(description="Official (French) name of the court, as on a summons")
    city: str = Field(description="City where the court sits")
    starts_at: BamakoDateTime = Field(description="Start, ISO 8601 with offset, Africa/Bamako time")


class HearingScheduled(HearingFacts):
    """A hearing was scheduled."""

    event_type: ClassVar[str] = "casework.hearing.scheduled.v1"

    chamber: str | None = Field(default=None, description="Chamber or formation of the court, if known")
    ends_at: BamakoDateTime | None = Field(default=None, description="Expected end, Africa/Bamako time")
    purpose: str = Field(description="Purpose code (casework terms vocabulary, hearing_purposes)")


class HearingRescheduled(HearingFacts):
    """A hearing was postponed to a new date-time."""

    event_type: ClassVar[str] = "casework.hearing.rescheduled.v1"

    ends_at: BamakoDateTime | None = Field(default=None, description="New expected end, Africa/Bamako time")
    previous_starts_at: BamakoDateTime = Field(description="The start it replaces, Africa/Bamako time")
    reason: str = Field(description="Postponement reason code (casework terms vocabulary)")


class HearingHeld(HearingFacts):
    """A hearing took place; its outcome as a code."""

    event_type: ClassVar[str] = "casework.hearing.held.v1"

    outcome: str = Field(description="Outcome code (casework terms vocabulary, hearing_outcomes)")


class HearingCancelled(HearingFacts):
    """A hearing was cancelled and will not take place."""

    event_type: ClassVar[str] = "casework.hearing.cancelled.v1"

    reason: str = Field(description="Cancellation reason code (casework terms vocabulary)")


class Postponement(BaseModel):
    """One postponement of a hearing."""

    from_starts_at: BamakoDateTime
    to_starts_at: BamakoDateTime
    reason: str


class Hearing(AggregateState):
    """Current state of a hearing (the projection document)."""

    case_id: str
    victim_ids: list[str]
    court_code: str
    court_name: str
    city: str
    chamber: str | None = None
    starts_at: BamakoDateTime
    ends_at: BamakoDateTime | None = None
    purpose: str
    status: Literal["scheduled", "held", "cancelled"] = "scheduled"
    outcome: str | None = None
    cancellation_reason: str | None = None
    postponements: list[Postponement] = Field(default_factory=list)


def evolve(state: Hearing | None, event: DomainEvent) -> Hearing:
    """Apply one event to a hearing."""
    if isinstance(event, HearingScheduled):
        return Hearing(id=event.hearing_id, **event.model_dump(exclude={"hearing_id"}))
    assert state is not None, f"{type(event).__name__} before the hearing was scheduled"
    match event:
        case HearingRescheduled():
            step = Postponement(from_starts_at=event.previous_starts_at, to_starts_at=event.starts_at,
                                reason=event.reason)
            return state.model_copy(update={"starts_at": event.starts_at, "ends_at": event.ends_at,
                                            "victim_ids": event.victim_ids,
                                            "postponements": [*state.postponements, step]})
        case HearingHeld():
            return state.model_copy(update={"status": "held", "outcome": event.outcome})
        case HearingCancelled():
            return state.model_copy(update={"status": "cancelled", "cancellation_reason": event.reason})
    raise ValueError(f"hearing cannot apply {type(event).__name__}")


HEARING = AggregateType(name="hearing", topic="casework.hearings", collection="hearings", state_type=Hearing,
                        events=(HearingScheduled, HearingRescheduled, HearingHeld, HearingCancelled), evolve=evolve)


def schedule(state: Hearing | None, *, hearing_id: str, case_id: str, victim_ids: list[str], court: str,
             chamber: str | None, starts_at: datetime, ends_at: datetime | None, purpose: str,
             now: datetime) -> list[DomainEvent]:
    """Schedule a hearing of a case in the future."""
    if state is not None:
        raise Conflict("hearing_already_scheduled")
    where = require_court(court)
    require_term("hearing_purposes", purpose, field="purpose")
    starts_at, ends_at = to_bamako(starts_at), to_bamako(ends_at) if ends_at else None
    require_future_start(starts_at, ends_at, now)
    return [HearingScheduled(hearing_id=hearing_id, case_id=case_id, victim_ids=victim_ids, court_code=court,
                             court_name=where.label_fr, city=where.attributes["city"], chamber=chamber,
                             starts_at=starts_at, ends_at=ends_at, purpose=purpose)]


def _facts(state: Hearing, victim_ids: list[str] | None) -> dict[str, object]:
    # The case's victims now when given (one who left a collective case is no longer concerned).
    return {"hearing_id": state.id, "case_id": state.case_id,
            "victim_ids": state.victim_ids if victim_ids is None else victim_ids, "court_code": state.court_code,
            "court_name": state.court_name, "city": state.city}


def require_scheduled(state: Hearing | None) -> Hearing:
    """Only a hearing still to come can be moved, held or cancelled."""
    if state is None:
        raise NotFound("hearing_not_found")
    if state.status != "scheduled":
        raise Conflict("hearing_already_final", current_status=state.status)
    return state


def reschedule(state: Hearing | None, *, starts_at: datetime, ends_at: datetime | None, reason: str,
               now: datetime, victim_ids: list[str] | None = None) -> list[DomainEvent]:
    """Postpone (or advance) a hearing to a new date-time in the future."""
    hearing = require_scheduled(state)
    require_term("postponement_reasons", reason, field="reason")
    starts_at, ends_at = to_bamako(starts_at), to_bamako(ends_at) if ends_at else None
    require_future_start(starts_at, ends_at, now)
    if starts_at == hearing.starts_at:
        raise InvalidInput("hearing_start_unchanged", field="starts_at")
    return [HearingRescheduled(**_facts(hearing, victim_ids), starts_at=starts_at,  # type: ignore[arg-type]
                               ends_at=ends_at,
                               previous_starts_at=hearing.starts_at, reason=reason)]


def record_held(state: Hearing | None, *, outcome: str, now: datetime,
                victim_ids: list[str] | None = None) -> list[DomainEvent]:
    """Record that a hearing took place, once its start has passed."""
    hearing = require_scheduled(state)
    require_term("hearing_outcomes", outcome, field="outcome")
    if hearing.starts_at > now:
        raise Conflict("hearing_not_started")
    return [HearingHeld(**_facts(hearing, victim_ids), starts_at=hearing.starts_at,  # type: ignore[arg-type]
                        outcome=outcome)]


def cancel(state: Hearing | None, *, reason: str, victim_ids: list[str] | None = None) -> list[DomainEvent]:
    """Cancel a hearing still to come."""
    hearing = require_scheduled(state)
    require_term("cancellation_reasons", reason, field="reason")
    return [HearingCancelled(**_facts(hearing, victim_ids), starts_at=hearing.starts_at,  # type: ignore[arg-type]
                             reason=reason)]
