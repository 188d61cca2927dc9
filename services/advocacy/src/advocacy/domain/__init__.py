"""Advocacy's domain: facts, indicator arithmetic, disclosure control, vocabularies, aggregates (no I/O)."""

from servicekit.domain import AggregateType

from .action import ACTION
from .recommendation import RECOMMENDATION
from .report import REPORT

AGGREGATES: list[AggregateType] = [ACTION, RECOMMENDATION, REPORT]  # type: ignore[type-arg]
