"""What a service declares: its domain events and aggregate types. No I/O here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict


class DomainEvent(BaseModel):
    """Base of published events: explicit wire type, classification, unknown fields forbidden."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: ClassVar[str]
    classification: ClassVar[str] = "internal"


class AggregateState(BaseModel):
    """Base of aggregate states; stored as the projection document."""

    model_config = ConfigDict(extra="ignore")

    id: str


S = TypeVar("S", bound=AggregateState)
Evolve = Callable[[S | None, DomainEvent], S]


@dataclass(frozen=True)
class AggregateType(Generic[S]):
    """One kind of aggregate: its topic, projection collection, state and events."""

    name: str
    topic: str
    collection: str
    state_type: type[S]
    events: Sequence[type[DomainEvent]]
    evolve: Callable[[S | None, DomainEvent], S]
    _by_type: dict[str, type[DomainEvent]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for cls in self.events:
            self._by_type[cls.event_type] = cls

    def parse(self, event_type: str, data: dict[str, Any]) -> DomainEvent:
        """Rebuild a stored event of this aggregate from its type and data."""
        return self._by_type[event_type].model_validate(data)

    def fold(self, aggregate_id: str, state: S | None, events: Sequence[DomainEvent]) -> S | None:
        """Apply events in order to a state; the store, not the events, owns the aggregate id."""
        for event in events:
            state = self.evolve(state, event)
        if state is not None and state.id != aggregate_id:
            state = state.model_copy(update={"id": aggregate_id})
        return state
