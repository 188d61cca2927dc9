"""Advocacy's domain: indicator arithmetic, disclosure control, vocabularies (no I/O)."""

from servicekit.domain import AggregateType

AGGREGATES: list[AggregateType] = []  # type: ignore[type-arg]
