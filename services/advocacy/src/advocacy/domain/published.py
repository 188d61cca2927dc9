"""Every indicator as it may leave the service: computed, then put under disclosure control (pure).

Nothing leaves advocacy except through `publish()`. Counts go through suppress_table/suppress_series,
rates, medians and amounts through protect_figure with the number of records behind them. Series
that are margins of a published cross-table (incidents by year, region and violation type) are
taken from the protected table, never recomputed, so two publications cannot be played against
each other. Documents never hold nested arrays (FerretDB stores them in action snapshots).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import indicators as ind
from . import rows
from .disclosure import (
    COMPLEMENT_MARKER,
    CountTable,
    SuppressedSeries,
    SuppressedTable,
    SuppressionInfo,
    protect_figure,
    suppress_series,
    suppress_table,
)
from .facts import STAGE_ORDER

# Intake's codes, in the order tables show them; codes not listed follow, sorted.
SEXES = ("female", "male", "other", rows.UNKNOWN)
AGE_BANDS = ("0-4", "5-11", "12-17", "18-24", "25-39", "40-59", "60+", rows.UNKNOWN)


@dataclass(frozen=True)
class Inputs:
    """The current facts (see projections.CurrentFacts) and the question asked of them."""

    facts: Any
    period: rows.Period
    verified_only: bool
    k: int
    # Work shared by the sections of one question (the incident tables that the incidents and education
    # sections both read), done once: it is a pure function of the fields above.
    shared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def once(self, name: str, compute: Callable[[], Any]) -> Any:
        """`compute()` the first time this question needs `name`, the same result afterwards."""
        if name not in self.shared:
            self.shared[name] = compute()
        return self.shared[name]


def table_document(table: SuppressedTable, *, row_label: str, column_label: str) -> dict[str, Any]:
    """A protected table as JSON without nested arrays: one record per row."""
    return {
        "row_dimension": row_label, "column_dimension": column_label,
        "columns": list(table.columns),
        "rows": [{"label": label, "values": list(cells), "total": total}
                 for label, cells, total in zip(table.rows, table.cells, table.row_totals, strict=True)],
        "column_totals": list(table.column_totals), "grand_total": table.grand_total,
        "disclosure": table.info.to_public(),
    }


def margin_series(labels: Sequence[str], values: Sequence[Any], total: Any, info: SuppressionInfo,
                  note: str) -> dict[str, Any]:
    """A series published as the margin of a protected table (same markers, same protection)."""
    return {"labels": list(labels), "values": list(values), "total": total, "disclosure": info.to_public(),
            "note": note}


def _series(counts: Mapping[str, int], k: int, note: str) -> dict[str, Any]:
    return {**suppress_series(counts, k).to_public(), "note": note}


def incident_tables(i: Inputs) -> tuple[SuppressedTable, SuppressedTable, dict[str, Any]]:
    """The protected year x violation and region x violation tables, and the raw breakdowns.

    Both tables share their violation-type margin and grand total: a total withheld in one is
    withheld in the other, and both are protected again until they agree (withholding only grows,
    so this ends).
    """
    tables: tuple[SuppressedTable, SuppressedTable, dict[str, Any]] = i.once("incident_tables",
                                                                             lambda: _incident_tables(i))
    return tables


def _incident_tables(i: Inputs) -> tuple[SuppressedTable, SuppressedTable, dict[str, Any]]:
    computed = rows.incident_counts(i.facts.incidents, i.period, verified_only=i.verified_only)
    columns = sorted(computed["by_violation"])
    year_table = CountTable.from_nested(computed["year_by_violation"], columns=columns)
    region_table = CountTable.from_nested(computed["region_by_violation"], columns=columns)
    margins: frozenset[str] = frozenset()
    grand = False
    while True:
        by_year = suppress_table(year_table, i.k, withhold_column_totals=margins, withhold_grand_total=grand)
        by_region = suppress_table(region_table, i.k, withhold_column_totals=margins, withhold_grand_total=grand)
        withheld = frozenset(c for t in (by_year, by_region)
                             for c, total in zip(t.columns, t.column_totals, strict=True) if isinstance(total, str))
        withheld_grand = any(isinstance(t.grand_total, str) for t in (by_year, by_region))
        if (withheld, withheld_grand) == (margins, grand):
            return by_year, by_region, computed
        margins, grand = withheld, withheld_grand


def incident_figures(i: Inputs) -> dict[str, Any]:
    """Incidents by year, region, violation type, perpetrator category and verification status."""
    by_year, by_region, computed = incident_tables(i)
    mentions = "counts incidents per violation type; an incident with two types counts in both, so the total " \
               "counts (incident, violation type) pairs"
    return {
        "incidents_year_by_violation": table_document(by_year, row_label="year", column_label="violation_type"),
        "incidents_region_by_violation": table_document(by_region, row_label="region",
                                                        column_label="violation_type"),
        "incidents_by_year": margin_series(by_year.rows, by_year.row_totals, by_year.grand_total, by_year.info,
                                           "row margin of incidents_year_by_violation; " + mentions),
        "incidents_by_region": margin_series(by_region.rows, by_region.row_totals, by_region.grand_total,
                                             by_region.info, "row margin of incidents_region_by_violation; "
                                             + mentions),
        "incidents_by_violation_type": margin_series(by_year.columns, by_year.column_totals, by_year.grand_total,
                                                     by_year.info, "column margin of incidents_year_by_violation"),
        "incidents_by_perpetrator": _series(computed["by_perpetrator"], i.k,
                                            "incidents per alleged perpetrator category; an incident with two "
                                            "categories counts in both"),
        "incidents_by_verification": _series(computed["by_verification"], i.k, "incidents per verification status"),
    }


def _band_table(band_rows: list[rows.BandRow], k: int) -> dict[str, Any]:
    nested = ind.cross_tab(band_rows, "sex", "age_band", distinct="victim")
    present = {b for r in nested.values() for b in r}
    sexes = [s for s in SEXES if s in nested] + sorted(set(nested) - set(SEXES))
    bands = [b for b in AGE_BANDS if b in present] + sorted(present - set(AGE_BANDS))
    table = suppress_table(CountTable.from_nested(nested, rows=sexes, columns=bands), k)
    return table_document(table, row_label="sex", column_label="age_band")


def victim_figures(i: Inputs) -> dict[str, Any]:
    """Victims referred to legal support, and victims supported by a case, by sex and age band."""
    f = i.facts
    return {
        "victims_referred": _band_table(rows.referred_victims(f.referrals, f.victims, i.period), i.k),
        "victims_supported": _band_table(rows.supported_victims(f.cases, f.referrals, f.victims, i.period), i.k),
    }


CASES_BY_STAGE_NOTE = "cases opened by the end of the period, at the stage reached by then (domestic proceedings)"


def stage_series(i: Inputs) -> SuppressedSeries:
    """Cases by stage in procedural order (stages unknown to the order follow), protected."""
    pipeline = rows.case_rows(i.facts.cases, i.facts.hearings, i.period, complaint_cohort=False)
    stages = ind.count_by(pipeline, "stage", order=list(STAGE_ORDER))
    extra = ind.count_by([r for r in pipeline if r.stage not in STAGE_ORDER], "stage")
    return suppress_series({**stages, **extra}, i.k)


def justice_figures(i: Inputs) -> dict[str, Any]:
    """Cases by stage, share reaching trial, median durations, postponements and reparations."""
    f, k = i.facts, i.k
    cohort = rows.case_rows(f.cases, f.hearings, i.period, complaint_cohort=True)
    share = ind.trial_share(cohort)
    durations = ind.case_durations(cohort)
    postponed = ind.postponement_rate(rows.hearing_rows(f.hearings, i.period))
    money = ind.reparations(rows.reparation_rows(f.reparations, i.period))
    return {
        "cases_by_stage": {**stage_series(i).to_public(), "note": CASES_BY_STAGE_NOTE},
        "trial_share": {"share": protect_share(share["reached_trial"], share["complaints"], k),
                        "complaints": _count(share["complaints"], k),
                        "note": "complaints filed in the period that have reached trial or a later stage"},
        "case_durations": {name: {"median_days": protect_figure(d["median_days"], d["n"], k), "n": _count(d["n"], k)}
                           for name, d in durations.items()},
        "hearing_postponement_rate": {
            "rate": protect_share(postponed["postponed"], postponed["held"] + postponed["postponed"], k),
            "note": "postponed sittings over sittings held or postponed in the period"},
        "reparations": _reparation_figures(money, k),
    }


def _reparation_figures(money: Mapping[str, Any], k: int) -> dict[str, Any]:
    awards = money["awarded"]
    counts = suppress_series({s: money[s] for s in ("paid_in_full", "paid_in_part", "not_paid")}, k).to_public()
    return {
        "awards_by_payment": counts,
        "awarded_xof": protect_figure(money["awarded_xof"], awards, k),
        "paid_xof": protect_figure(money["paid_xof"], awards, k),
        "paid_share_xof": protect_figure(money["paid_share_xof"], awards, k),
        "note": "reparations awarded in the period, in CFA francs (XOF), and what has been paid on them",
    }


def education_figures(i: Inputs) -> dict[str, Any]:
    """Education reach against documented violations, per region.

    Density is counted in the unit of incidents_by_region (one per incident and violation type) and
    shown from that protected margin, so this figure cannot reopen what the region table withholds;
    the score, which would give a withheld count back (score x (reach + 1)), is withheld with it.
    """
    _, by_region, computed = incident_tables(i)
    shown = dict(zip(by_region.rows, by_region.row_totals, strict=True))
    ranked = ind.rank_regions(computed["violations_by_region"], rows.reach_rows(i.facts.sessions, i.period))
    regions = [{"region": r["region"], "rank": r["rank"], "documented_violations": shown.get(r["region"], 0),
                "youth_reached": r["youth_reached"],
                "violations_per_youth_reached": (round(r["score"], 4) if isinstance(shown.get(r["region"], 0), int)
                                                 else None)}
               for r in ranked]
    return {"education_reach_vs_incidents": {
        "regions": regions, "k": i.k,
        "note": "regions ranked by documented violations (one per incident and violation type, as in "
                "incidents_by_region) per young person (under 25) reached by education sessions; a high rank "
                "means much documented violence and little reach"}}


def protect_share(part: int, whole: int, k: int) -> float | str | None:
    """part / whole, withheld when either side of the split is a small non-zero count.

    With the denominator published, a share gives its numerator back (1 of 7 is 0.142857), so both
    the part and the rest must be 0 or at least k, as for any published count.
    """
    if whole == 0:
        return None
    if whole < k:
        return f"n<{k}"
    if 0 < part < k or 0 < whole - part < k:
        return COMPLEMENT_MARKER
    return round(part / whole, 4)


def _count(n: int, k: int) -> int | str:
    return f"<{k}" if 0 < n < k else n


SECTIONS: dict[str, Callable[[Inputs], dict[str, Any]]] = {
    "incidents": incident_figures, "victims": victim_figures, "justice": justice_figures,
    "education": education_figures,
}


def publish(i: Inputs, sections: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
    """Every protected indicator of the chosen sections (all of them by default), by name."""
    published: dict[str, dict[str, Any]] = {}
    for name in sections or SECTIONS:
        published.update(SECTIONS[name](i))
    return published


INDICATOR_SECTIONS = {
    "incidents": ("incidents_by_year", "incidents_by_region", "incidents_by_violation_type",
                  "incidents_by_perpetrator", "incidents_by_verification", "incidents_year_by_violation",
                  "incidents_region_by_violation"),
    "victims": ("victims_referred", "victims_supported"),
    "justice": ("cases_by_stage", "trial_share", "case_durations", "hearing_postponement_rate", "reparations"),
    "education": ("education_reach_vs_incidents",),
}
INDICATORS = {name: section for section, names in INDICATOR_SECTIONS.items() for name in names}
