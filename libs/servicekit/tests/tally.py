"""A tiny aggregate used to exercise the kit against the real broker and store."""

from __future__ import annotations

from typing import ClassVar

from servicekit.domain import AggregateState, AggregateType, DomainEvent
from servicekit.errors import Conflict


class TallyOpened(DomainEvent):
    event_type: ClassVar[str] = "kit.tally.opened.v1"
    label: str


class TallyIncremented(DomainEvent):
    event_type: ClassVar[str] = "kit.tally.incremented.v1"
    by: int


class Tally(AggregateState):
    label: str
    total: int = 0
    increments: int = 0


def evolve(state: Tally | None, event: DomainEvent) -> Tally:
    match event:
        case TallyOpened():
            return Tally(id="", label=event.label)
        case TallyIncremented() if state is not None:
            return state.model_copy(update={"total": state.total + event.by, "increments": state.increments + 1})
    raise ValueError(f"cannot apply {type(event).__name__}")


def tally_type(topic: str) -> AggregateType[Tally]:
    return AggregateType(name="tally", topic=topic, collection="tallies", state_type=Tally,
                         events=(TallyOpened, TallyIncremented), evolve=evolve)


def open_tally(label: str):
    def decide(state: Tally | None) -> list[DomainEvent]:
        if state is not None:
            raise Conflict("tally already open")
        return [TallyOpened(label=label)]
    return decide


def increment(by: int):
    def decide(state: Tally | None) -> list[DomainEvent]:
        if state is None:
            raise Conflict("no such tally")
        return [TallyIncremented(by=by)]
    return decide
