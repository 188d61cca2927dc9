"""Arithmetic of the impunity indicators, from plain projection rows to plain dicts.

Nothing here is fit to publish as is: counts go through `disclosure.suppress_table` /
`suppress_series`, and rates, medians and amounts through `disclosure.protect_figure` with the `n`
returned alongside them, before anything leaves the service.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class IncidentRow:
    """One documented violation; an incident with several violation types gives several rows."""

    incident_id: str
    year: int
    region: str
    violation: str
    perpetrator: str
    verification: str


@dataclass(frozen=True)
class CaseRow:
    """A case's current stage and the procedural dates the indicators need."""

    case_id: str
    stage: str
    complaint_on: date | None = None
    first_hearing_on: date | None = None
    judgment_on: date | None = None
    reached_trial: bool = False


@dataclass(frozen=True)
class HearingRow:
    """One sitting of a hearing and what happened to it: held, postponed, cancelled or scheduled."""

    hearing_id: str
    outcome: str


@dataclass(frozen=True)
class ReparationRow:
    """Reparations awarded to one beneficiary in one case, and what has been paid (XOF)."""

    case_id: str
    awarded_xof: int
    paid_xof: int = 0
    payment: str = "not_paid"  # paid_in_full | paid_in_part | not_paid


@dataclass(frozen=True)
class ReachRow:
    """Youth (under 25) reached by one education session in a region."""

    region: str
    youth_reached: int


def count_by(
    rows: Iterable[object], field: str, *, distinct: str | None = None, order: Sequence[str] | None = None
) -> dict[str, int]:
    """Rows (or distinct values of `distinct`) per value of `field`; `order` fixes keys and keeps zeros."""
    groups: defaultdict[str, set[Any]] = defaultdict(set)
    counts: Counter[str] = Counter()
    for n, row in enumerate(rows):
        key = str(getattr(row, field))
        groups[key].add(getattr(row, distinct) if distinct else n)
    counts.update({key: len(members) for key, members in groups.items()})
    keys = list(order) if order is not None else sorted(counts)
    return {key: counts[key] for key in keys}


def cross_tab(
    rows: Iterable[object], row_field: str, column_field: str, *, distinct: str | None = None
) -> dict[str, dict[str, int]]:
    """Counts per (row value, column value), as {row: {column: n}} with sorted keys and no zeros."""
    groups: defaultdict[tuple[str, str], set[Any]] = defaultdict(set)
    for n, row in enumerate(rows):
        key = (str(getattr(row, row_field)), str(getattr(row, column_field)))
        groups[key].add(getattr(row, distinct) if distinct else n)
    table: dict[str, dict[str, int]] = {}
    for (r, c), members in sorted(groups.items()):
        table.setdefault(r, {})[c] = len(members)
    return table


def incident_breakdowns(incidents: Iterable[IncidentRow]) -> dict[str, Any]:
    """Incidents by year, region, violation, perpetrator and verification, plus the two report cross-tabs."""
    rows = list(incidents)
    by = {f"by_{f}": count_by(rows, f, distinct="incident_id")
          for f in ("year", "region", "violation", "perpetrator", "verification")}
    return {
        "incidents": len({r.incident_id for r in rows}),
        **by,
        "year_by_violation": cross_tab(rows, "year", "violation", distinct="incident_id"),
        "region_by_violation": cross_tab(rows, "region", "violation", distinct="incident_id"),
    }


def trial_share(cases: Iterable[CaseRow]) -> dict[str, Any]:
    """Share of cases with a complaint filed that reached trial; None without complaints."""
    with_complaint = [c for c in cases if c.complaint_on is not None]
    reached = sum(c.reached_trial for c in with_complaint)
    share = reached / len(with_complaint) if with_complaint else None
    return {"complaints": len(with_complaint), "reached_trial": reached, "share": share}


def median_days(pairs: Iterable[tuple[date | None, date | None]]) -> dict[str, Any]:
    """Median days from start to end over the pairs that have both dates; None without data."""
    # A negative interval is a data-entry error (end recorded before start); it is left out rather
    # than allowed to drag the median toward "justice is fast".
    days = [(end - start).days for start, end in pairs if start and end and end >= start]
    return {"median_days": statistics.median(days) if days else None, "n": len(days)}


def case_durations(cases: Iterable[CaseRow]) -> dict[str, dict[str, Any]]:
    """Median days from complaint to first hearing and from complaint to judgment."""
    rows = list(cases)
    return {
        "complaint_to_first_hearing": median_days((c.complaint_on, c.first_hearing_on) for c in rows),
        "complaint_to_judgment": median_days((c.complaint_on, c.judgment_on) for c in rows),
    }


def postponement_rate(hearings: Iterable[HearingRow]) -> dict[str, Any]:
    """Postponed sittings over sittings that were held or postponed; None when there are none."""
    outcomes = Counter(h.outcome for h in hearings)
    held, postponed = outcomes["held"], outcomes["postponed"]
    rate = postponed / (held + postponed) if held + postponed else None
    return {"held": held, "postponed": postponed, "rate": rate}


def reparations(rows: Iterable[ReparationRow]) -> dict[str, Any]:
    """Reparations awarded against paid: counts by payment status and XOF amounts."""
    awards = list(rows)
    payments = Counter(r.payment for r in awards)
    awarded_xof, paid_xof = sum(r.awarded_xof for r in awards), sum(r.paid_xof for r in awards)
    return {
        "awarded": len(awards),
        "paid_in_full": payments["paid_in_full"],
        "paid_in_part": payments["paid_in_part"],
        "not_paid": payments["not_paid"],
        "awarded_xof": awarded_xof,
        "paid_xof": paid_xof,
        "paid_share_xof": paid_xof / awarded_xof if awarded_xof else None,
    }


def education_priorities(incidents: Iterable[IncidentRow], reach: Iterable[ReachRow]) -> list[dict[str, Any]]:
    """Regions ranked by documented incidents per youth reached: incidents / (youth reached + 1)."""
    # Without population figures per region, incidents against reach is the fairest comparison the
    # data allows; "+1" keeps regions nobody has reached yet at the top instead of dividing by zero.
    return rank_regions(count_by(incidents, "region", distinct="incident_id"), reach)


def rank_regions(documented: Mapping[str, int], reach: Iterable[ReachRow]) -> list[dict[str, Any]]:
    """Regions ranked by documented counts per youth reached (see education_priorities)."""
    youth: Counter[str] = Counter()
    for row in reach:
        youth[row.region] += row.youth_reached
    regions = sorted(set(documented) | set(youth))
    scores = {r: documented.get(r, 0) / (youth[r] + 1) for r in regions}
    ranked = sorted(regions, key=lambda r: (-scores[r], -documented.get(r, 0), r))
    return [{"region": r, "incidents": documented.get(r, 0), "youth_reached": youth[r], "score": scores[r],
             "rank": n} for n, r in enumerate(ranked, start=1)]
