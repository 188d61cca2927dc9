"""Read the live projections and publish protected indicators (the only way figures leave advocacy)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from .bootstrap import Deps
from .domain import published
from .domain.rows import Period
from .projections import KINDS, CurrentFacts

# Which fact kinds each section reads, so a single figure does not fold every collection.
SECTION_KINDS = {
    "incidents": ("incidents",),
    "victims": ("victims", "referrals", "cases"),
    "justice": ("cases", "hearings", "reparations"),
    "education": ("incidents", "sessions"),
}


@dataclass(frozen=True)
class Snapshot:
    """Protected indicators and where they come from."""

    generation: int
    computed_at: datetime
    parameters: dict[str, Any]
    indicators: dict[str, dict[str, Any]]


async def snapshot(deps: Deps, *, period_start: date | None = None, period_end: date | None = None,
                   verified_only: bool = False, sections: Sequence[str] | None = None) -> Snapshot:
    """Compute the protected indicators of some sections (all by default) for a period."""
    chosen = list(sections or published.SECTIONS)
    log = await deps.projections.live()
    needed = {kind for section in chosen for kind in SECTION_KINDS[section]}
    facts = CurrentFacts(**{kind: (await log.folded(kind) if kind in needed else {}) for kind in KINDS})
    inputs = published.Inputs(facts=facts, period=Period(period_start, period_end), verified_only=verified_only,
                              k=deps.suppression_k)
    parameters = {"period_start": period_start.isoformat() if period_start else None,
                  "period_end": period_end.isoformat() if period_end else None,
                  "verified_only": verified_only, "k": deps.suppression_k}
    return Snapshot(generation=log.generation, computed_at=datetime.now(UTC), parameters=parameters,
                    indicators=published.publish(inputs, chosen))


async def indicator(deps: Deps, name: str, **query: Any) -> tuple[Snapshot, dict[str, Any]]:
    """One protected indicator by name (computing only its section)."""
    shot = await snapshot(deps, sections=[published.INDICATORS[name]], **query)
    return shot, shot.indicators[name]
