"""Documented-incident density per region, folded from the incident facts education keeps (pure, no I/O).

Each fact is what one of intake's incident events said (region, date, verification status); an
incident's facts are folded in source order, so the counts depend neither on duplicates nor on the
order in which the events were delivered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

# An incident that verification rejected is no longer a documented incident.
REJECTED = "rejected"


def documented_by_region(facts: Iterable[Mapping[str, Any]], start: date | None = None,
                         end: date | None = None) -> dict[str, int]:
    """Documented incidents per region whose latest known date falls in the period."""
    by_incident: dict[str, list[Mapping[str, Any]]] = {}
    for fact in facts:
        by_incident.setdefault(fact["subject"], []).append(fact)
    counts: Counter[str] = Counter()
    for records in by_incident.values():
        region, occurred_on, status = _fold(records)
        if region and occurred_on and status != REJECTED and (start is None or occurred_on >= start) \
                and (end is None or occurred_on <= end):
            counts[region] += 1
    return dict(sorted(counts.items()))


def _fold(records: list[Mapping[str, Any]]) -> tuple[str | None, date | None, str | None]:
    """The latest known region, date and verification status of one incident (later events override)."""
    region, occurred_on, status = None, None, None
    for record in sorted(records, key=lambda r: (r["at"], r["offset"], r["_id"])):
        region = record["region"] or region
        occurred_on = date.fromisoformat(record["occurred_on"]) if record["occurred_on"] else occurred_on
        status = record.get("status") or status
    return region, occurred_on, status
