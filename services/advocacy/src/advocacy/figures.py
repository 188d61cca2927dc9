"""Read the live projections and publish protected indicators (the only way figures leave advocacy)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from servicekit.service import Task

from .bootstrap import Deps
from .domain import published
from .domain.rows import Period
from .projections import KINDS, CurrentFacts
from .projections.readmodel import View

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


async def load_inputs(deps: Deps, *, period_start: date | None = None, period_end: date | None = None,
                      verified_only: bool = False, sections: Sequence[str] | None = None
                      ) -> tuple[int, published.Inputs]:
    """The live generation and the folded facts the chosen sections need, with the question asked."""
    view, inputs = await _inputs(deps, Period(period_start, period_end), verified_only, sections)
    return view.generation, inputs


async def _inputs(deps: Deps, period: Period, verified_only: bool,
                  sections: Sequence[str] | None) -> tuple[View, published.Inputs]:
    needed = {kind for section in sections or published.SECTIONS for kind in SECTION_KINDS[section]}
    view = await deps.read_model.current(needed)
    facts = CurrentFacts(**{kind: view.facts.get(kind, {}) for kind in KINDS})
    return view, published.Inputs(facts=facts, period=period, verified_only=verified_only, k=deps.suppression_k)


def parameters_of(inputs: published.Inputs) -> dict[str, Any]:
    """The question the figures answer, as published next to them."""
    period = inputs.period
    return {"period_start": period.start.isoformat() if period.start else None,
            "period_end": period.end.isoformat() if period.end else None,
            "verified_only": inputs.verified_only, "k": inputs.k}


async def snapshot(deps: Deps, *, period_start: date | None = None, period_end: date | None = None,
                   verified_only: bool = False, sections: Sequence[str] | None = None) -> Snapshot:
    """Compute the protected indicators of some sections (all by default) for a period.

    The same question on unchanged facts gets the same snapshot (computed_at says when it was computed).
    """
    chosen = list(sections or published.SECTIONS)
    view, inputs = await _inputs(deps, Period(period_start, period_end), verified_only, chosen)
    question = (view.generation, inputs.period, verified_only, tuple(chosen), inputs.k)
    shot = deps.read_model.remembered(question, view.versions)
    if shot is None:
        shot = Snapshot(generation=view.generation, computed_at=deps.core.clock(),
                        parameters=parameters_of(inputs), indicators=published.publish(inputs, chosen))
        deps.read_model.remember(question, view.versions, shot)
    return cast(Snapshot, shot)


def warm_tasks(deps: Deps) -> list[Task]:
    """The API's background task: the indicators' facts read when it starts and after each rebuild, and the
    dashboard's first question (every section, any date, verified or not) answered ahead and remembered."""
    async def keep_indicators_warm(stop: asyncio.Event) -> None:
        await deps.read_model.follow(stop, then=lambda: snapshot(deps))

    return [keep_indicators_warm]


async def indicator(deps: Deps, name: str, **query: Any) -> tuple[Snapshot, dict[str, Any]]:
    """One protected indicator by name (computing only its section)."""
    shot = await snapshot(deps, sections=[published.INDICATORS[name]], **query)
    return shot, shot.indicators[name]
