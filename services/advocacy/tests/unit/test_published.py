"""What leaves advocacy: indicators computed from facts for a period, then protected."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from advocacy.domain import facts as f
from advocacy.domain import published
from advocacy.domain.disclosure import CountTable, suppress_table
from advocacy.domain.rows import Period


@dataclass
class Facts:
    """The shape of projections.CurrentFacts, built by hand."""

    incidents: dict[str, Any] = field(default_factory=dict)
    victims: dict[str, Any] = field(default_factory=dict)
    referrals: dict[str, Any] = field(default_factory=dict)
    cases: dict[str, Any] = field(default_factory=dict)
    hearings: dict[str, Any] = field(default_factory=dict)
    reparations: dict[str, Any] = field(default_factory=dict)
    sessions: dict[str, Any] = field(default_factory=dict)


def incidents(region: str, n: int, *, on: date = date(2023, 6, 1), status: str = "verified",
              violations: tuple[str, ...] = ("killing",)) -> dict[str, f.IncidentFacts]:
    return {f"{region}-{on}-{status}-{i}": f.IncidentFacts(on, region, violations, ("jihadist_armed_groups",), status)
            for i in range(n)}


def inputs(facts: Facts, *, period: Period = Period(), verified_only: bool = False) -> published.Inputs:
    return published.Inputs(facts=facts, period=period, verified_only=verified_only, k=5)


def as_dict(series: dict) -> dict:
    return dict(zip(series["labels"], series["values"], strict=True))


def test_incidents_by_region_is_the_row_margin_of_the_protected_region_table():
    facts = Facts(incidents={**incidents("gao", 7), **incidents("kidal", 1), **incidents("mopti", 6)})
    figures = published.incident_figures(inputs(facts))
    table = figures["incidents_region_by_violation"]
    assert as_dict(figures["incidents_by_region"]) == {r["label"]: r["total"] for r in table["rows"]}
    assert as_dict(figures["incidents_by_region"]) == {"gao": 7, "kidal": "<5", "mopti": "x"}
    assert figures["incidents_by_region"]["total"] == 14


def test_tables_are_published_without_nested_arrays():
    facts = Facts(incidents={**incidents("gao", 7), **incidents("gao", 6, violations=("torture",))})

    def nested(value: Any) -> bool:
        if isinstance(value, list):
            return any(isinstance(v, list) or nested(v) for v in value)
        return isinstance(value, dict) and any(nested(v) for v in value.values())

    assert not nested(published.publish(inputs(facts)))


def test_verified_only_leaves_out_incidents_not_yet_verified():
    facts = Facts(incidents={**incidents("gao", 7), **incidents("gao", 9, status="pending")})
    figures = published.incident_figures(inputs(facts, verified_only=True))
    assert as_dict(figures["incidents_by_region"]) == {"gao": 7}


def test_an_incident_rejected_by_verification_is_not_counted():
    facts = Facts(incidents={**incidents("gao", 7), **incidents("gao", 3, status="rejected")})
    figures = published.incident_figures(inputs(facts))
    assert as_dict(figures["incidents_by_verification"]) == {"verified": 7}


def test_the_period_filters_incidents_by_the_day_they_occurred():
    facts = Facts(incidents={**incidents("gao", 6, on=date(2022, 12, 31)), **incidents("gao", 8)})
    figures = published.incident_figures(inputs(facts, period=Period(date(2023, 1, 1), date(2023, 12, 31))))
    assert as_dict(figures["incidents_by_year"]) == {"2023": 8}


@pytest.mark.parametrize(("part", "whole", "shown"), [
    (6, 12, 0.5),        # both sides of the split at least k
    (0, 12, 0.0),        # none reached trial: zeros are published
    (12, 12, 1.0),       # all of them did
    (1, 12, "x"),        # 1 of 12 would give away a single case
    (11, 12, "x"),       # and so would "all but one"
    (2, 4, "n<5"),       # too few records to say anything
    (0, 0, None),        # nothing to divide
])
def test_a_share_is_withheld_when_either_side_of_the_split_is_small(part, whole, shown):
    assert published.protect_share(part, whole, 5) == shown


def victim(sex: str, band: str, counted: bool = True) -> f.VictimFacts:
    return f.VictimFacts(sex=sex, age_band=band, region="mopti", counted=counted)


def test_victims_who_withdrew_consent_are_left_out_of_the_referral_table():
    victims = {f"v{i}": victim("female", "18-24") for i in range(6)}
    victims["v-withdrawn"] = victim("female", "18-24", counted=False)
    referrals = {f"r-{key}": f.ReferralFacts(key, date(2023, 3, 1)) for key in victims}
    table = published.victim_figures(inputs(Facts(victims=victims, referrals=referrals)))["victims_referred"]
    assert table["grand_total"] == 6
    assert table["rows"] == [{"label": "female", "values": [6], "total": 6}]


def test_a_victim_referred_twice_is_one_victim_referred():
    victims = {f"v{i}": victim("male", "25-39") for i in range(5)}
    referrals = {f"r{i}-{n}": f.ReferralFacts(f"v{i}", date(2023, 3, 1)) for i in range(5) for n in range(2)}
    table = published.victim_figures(inputs(Facts(victims=victims, referrals=referrals)))["victims_referred"]
    assert table["grand_total"] == 5


def case(opened: date, **reached: date) -> f.CaseFacts:
    stage = max(reached, key=lambda s: reached[s]) if reached else "referral_accepted"
    return f.CaseFacts(opened_on=opened, stage=stage, reached={"referral_accepted": opened, **reached})


def test_cases_are_counted_at_the_stage_they_had_reached_by_the_end_of_the_period():
    cases = {f"c{i}": case(date(2022, 1, 1), complaint_civil_party=date(2022, 2, 1), trial=date(2023, 6, 1))
             for i in range(6)}
    figures = published.justice_figures(inputs(Facts(cases=cases), period=Period(None, date(2022, 12, 31))))
    stages = as_dict(figures["cases_by_stage"])
    assert (stages["complaint_civil_party"], stages["trial"]) == (6, 0)


def test_durations_of_fewer_than_k_cases_are_withheld():
    cases = {f"c{i}": case(date(2022, 1, 1), complaint_civil_party=date(2022, 2, 1), judgment=date(2022, 8, 1))
             for i in range(3)}
    durations = published.justice_figures(inputs(Facts(cases=cases)))["case_durations"]
    assert durations["complaint_to_judgment"] == {"median_days": "n<5", "n": "<5"}


def test_a_reparation_total_of_fewer_than_k_awards_is_withheld():
    reparations = {f"r{i}": f.ReparationFacts("c", "compensation", date(2023, 1, 1), 1_000_000, 0)
                   for i in range(2)}
    money = published.justice_figures(inputs(Facts(reparations=reparations)))["reparations"]
    assert (money["awarded_xof"], money["paid_xof"]) == ("n<5", "n<5")


def test_reparations_awarded_against_paid_in_xof():
    reparations = {f"r{i}": f.ReparationFacts("c", "compensation", date(2023, 1, 1), 1_000_000,
                                              1_000_000 if i < 5 else 0, "paid_in_full" if i < 5 else "not_paid")
                   for i in range(10)}
    money = published.justice_figures(inputs(Facts(reparations=reparations)))["reparations"]
    assert (money["awarded_xof"], money["paid_xof"], money["paid_share_xof"]) == (10_000_000, 5_000_000, 0.5)
    assert as_dict(money["awards_by_payment"]) == {"paid_in_full": 5, "paid_in_part": 0, "not_paid": 5}


def test_the_reach_score_is_withheld_where_it_would_give_back_a_small_incident_count():
    facts = Facts(incidents={**incidents("gao", 2), **incidents("mopti", 9), **incidents("segou", 12)},
                  sessions={"s1": f.SessionFacts(date(2023, 7, 1), "segou", 40, 23)})
    regions = published.education_figures(inputs(facts))["education_reach_vs_incidents"]["regions"]
    by_region = {r["region"]: r for r in regions}
    # Gao is withheld, and Mopti with it (the complement that keeps the total from giving Gao away).
    assert [by_region[r]["documented_violations"] for r in ("gao", "mopti", "segou")] == ["<5", "x", 12]
    assert [by_region[r]["violations_per_youth_reached"] for r in ("gao", "mopti", "segou")] == [None, None, 0.5]
    assert [r["region"] for r in regions] == ["mopti", "gao", "segou"]


# Incidents (year, region, violation) for which the year and the region tables, protected apart,
# withhold different violation totals: each would publish a total the other needs withheld.
LINKED = [(2022, "gao", "killing"), (2021, "mopti", "pillage"), (2022, "kidal", "torture"), (2021, "gao", "torture"),
          (2021, "gao", "killing"), (2021, "gao", "torture"), (2022, "kidal", "torture"), (2021, "kidal", "killing"),
          (2022, "mopti", "torture"), (2021, "mopti", "torture"), (2022, "kidal", "torture"),
          (2021, "kidal", "pillage"), (2022, "mopti", "pillage"), (2021, "mopti", "torture"),
          (2022, "kidal", "torture"), (2022, "gao", "torture"), (2022, "gao", "torture"), (2021, "gao", "pillage"),
          (2022, "mopti", "torture"), (2022, "kidal", "pillage"), (2022, "kidal", "torture"),
          (2021, "kidal", "killing"), (2021, "mopti", "torture"), (2022, "mopti", "pillage"),
          (2022, "gao", "torture"), (2021, "mopti", "torture"), (2022, "mopti", "torture"), (2021, "gao", "pillage"),
          (2021, "mopti", "pillage"), (2021, "kidal", "torture")]


def counts_by(key: int) -> dict[str, dict[str, int]]:
    """Year (key 0) or region (key 1) x violation counts of LINKED."""
    nested: dict[str, dict[str, int]] = {}
    for incident in LINKED:
        row = nested.setdefault(str(incident[key]), {})
        row[incident[2]] = row.get(incident[2], 0) + 1
    return nested


def withheld_totals(table) -> list[bool]:
    return [isinstance(total, str) for total in table.column_totals]


def test_a_violation_total_withheld_in_one_incident_table_is_withheld_in_the_other():
    apart = [suppress_table(CountTable.from_nested(counts_by(key)), 5) for key in (0, 1)]
    assert withheld_totals(apart[0]) != withheld_totals(apart[1])  # protected apart, they disagree
    facts = Facts(incidents={f"i{n}": f.IncidentFacts(date(year, 5, 1), region, (violation,), (), "verified")
                             for n, (year, region, violation) in enumerate(LINKED)})
    by_year, by_region, _ = published.incident_tables(inputs(facts))
    assert withheld_totals(by_year) == withheld_totals(by_region)
    assert by_year.grand_total == by_region.grand_total
