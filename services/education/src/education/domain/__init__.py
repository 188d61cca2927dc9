"""Education's domain: sessions, campaigns, reach arithmetic and vocabularies (no I/O)."""

from servicekit.domain import AggregateType

from .campaign import CAMPAIGN
from .session import SESSION

AGGREGATES: list[AggregateType] = [SESSION, CAMPAIGN]  # type: ignore[type-arg]
