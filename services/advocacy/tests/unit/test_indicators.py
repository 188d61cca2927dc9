"""Indicator arithmetic: counts, shares, medians, rates, reparations and education priorities."""

from __future__ import annotations

from datetime import date

from advocacy.domain.indicators import (
    CaseRow,
    HearingRow,
    IncidentRow,
    ReachRow,
    ReparationRow,
    case_durations,
    count_by,
    cross_tab,
    education_priorities,
    incident_breakdowns,
    median_days,
    postponement_rate,
    reparations,
    trial_share,
)


def _incident(incident_id: str, region: str = "mopti", violation: str = "killing", year: int = 2022,
              perpetrator: str = "jihadist_armed_group", verification: str = "verified") -> IncidentRow:
    return IncidentRow(incident_id, year, region, violation, perpetrator, verification)


def test_counts_distinct_incidents_when_an_incident_has_several_violations() -> None:
    rows = [_incident("i1", violation="killing"), _incident("i1", violation="pillage"), _incident("i2")]
    assert count_by(rows, "region", distinct="incident_id") == {"mopti": 2}
    assert count_by(rows, "violation", distinct="incident_id") == {"killing": 2, "pillage": 1}
    assert count_by(rows, "region") == {"mopti": 3}


def test_count_by_with_an_order_keeps_zero_groups_in_that_order() -> None:
    rows = [_incident("i1", region="gao")]
    assert list(count_by(rows, "region", order=["mopti", "gao"]).items()) == [("mopti", 0), ("gao", 1)]


def test_cross_tab_counts_per_row_and_column() -> None:
    rows = [_incident("i1", "gao", "killing"), _incident("i2", "gao", "torture"), _incident("i3", "mopti")]
    assert cross_tab(rows, "region", "violation", distinct="incident_id") == {
        "gao": {"killing": 1, "torture": 1}, "mopti": {"killing": 1}}


def test_incident_breakdowns_cover_every_dimension() -> None:
    rows = [_incident("i1", year=2021), _incident("i2", region="gao", year=2023, verification="pending")]
    result = incident_breakdowns(rows)
    assert result["incidents"] == 2
    assert result["by_year"] == {"2021": 1, "2023": 1}
    assert result["by_verification"] == {"pending": 1, "verified": 1}
    assert result["year_by_violation"] == {"2021": {"killing": 1}, "2023": {"killing": 1}}
    assert set(result) >= {"by_region", "by_violation", "by_perpetrator", "region_by_violation"}


def test_trial_share_counts_only_cases_with_a_complaint() -> None:
    cases = [CaseRow("c1", "trial", complaint_on=date(2022, 1, 1), reached_trial=True),
             CaseRow("c2", "judicial_investigation", complaint_on=date(2022, 2, 1)),
             CaseRow("c3", "referral_accepted")]
    assert trial_share(cases) == {"complaints": 2, "reached_trial": 1, "share": 0.5}


def test_trial_share_without_complaints_is_none() -> None:
    assert trial_share([CaseRow("c1", "referral_accepted")])["share"] is None


def test_median_days_of_an_even_number_of_intervals_is_the_mean_of_the_middle_two() -> None:
    pairs = [(date(2022, 1, 1), date(2022, 1, 11)), (date(2022, 1, 1), date(2022, 1, 31)),
             (date(2022, 1, 1), date(2022, 1, 21)), (date(2022, 1, 1), date(2022, 3, 2))]
    assert median_days(pairs) == {"median_days": 25.0, "n": 4}


def test_median_days_skips_missing_dates_and_impossible_intervals() -> None:
    pairs = [(date(2022, 1, 1), None), (None, date(2022, 1, 1)), (date(2022, 5, 1), date(2022, 1, 1)),
             (date(2022, 1, 1), date(2022, 1, 8))]
    assert median_days(pairs) == {"median_days": 7, "n": 1}


def test_median_days_without_data_is_none() -> None:
    assert median_days([]) == {"median_days": None, "n": 0}


def test_case_durations_measure_from_the_complaint() -> None:
    cases = [CaseRow("c1", "judgment", complaint_on=date(2020, 1, 1), first_hearing_on=date(2020, 4, 10),
                     judgment_on=date(2021, 1, 1)),
             CaseRow("c2", "trial", complaint_on=date(2020, 1, 1), first_hearing_on=date(2020, 2, 1))]
    result = case_durations(cases)
    assert result["complaint_to_first_hearing"] == {"median_days": 65.5, "n": 2}  # (100 + 31) / 2, 2020 is a leap year
    assert result["complaint_to_judgment"] == {"median_days": 366, "n": 1}


def test_postponement_rate_is_postponed_over_held_and_postponed() -> None:
    hearings = [HearingRow("h1", "postponed"), HearingRow("h1", "postponed"), HearingRow("h1", "held"),
                HearingRow("h2", "held"), HearingRow("h3", "cancelled"), HearingRow("h4", "scheduled")]
    assert postponement_rate(hearings) == {"held": 2, "postponed": 2, "rate": 0.5}


def test_postponement_rate_without_sittings_is_none() -> None:
    assert postponement_rate([HearingRow("h1", "scheduled")])["rate"] is None


def test_reparations_compare_awarded_and_paid() -> None:
    rows = [ReparationRow("c1", 1_000_000, 1_000_000, "paid_in_full"),
            ReparationRow("c1", 2_000_000, 500_000, "paid_in_part"),
            ReparationRow("c2", 1_000_000)]
    assert reparations(rows) == {"awarded": 3, "paid_in_full": 1, "paid_in_part": 1, "not_paid": 1,
                                 "awarded_xof": 4_000_000, "paid_xof": 1_500_000, "paid_share_xof": 0.375}


def test_reparations_without_awards_have_no_paid_share() -> None:
    assert reparations([])["paid_share_xof"] is None


def test_priority_ranks_many_incidents_and_little_reach_first() -> None:
    incidents = ([_incident(f"m{n}", "mopti") for n in range(30)] + [_incident(f"g{n}", "gao") for n in range(30)]
                 + [_incident("k1", "kayes")])
    reach = [ReachRow("mopti", 500), ReachRow("mopti", 499), ReachRow("gao", 9), ReachRow("bamako", 2000)]
    ranked = education_priorities(incidents, reach)
    assert [r["region"] for r in ranked] == ["gao", "kayes", "mopti", "bamako"]
    assert ranked[0] == {"region": "gao", "incidents": 30, "youth_reached": 9, "score": 3.0, "rank": 1}
    assert ranked[2]["youth_reached"] == 999 and ranked[2]["score"] == 0.03
    assert ranked[3]["incidents"] == 0 and ranked[3]["rank"] == 4


def test_priority_ties_break_on_incidents_then_region_code() -> None:
    incidents = [_incident("a", "segou"), _incident("b", "gao"), _incident("c", "gao")]
    reach = [ReachRow("gao", 1)]
    assert [r["region"] for r in education_priorities(incidents, reach)] == ["gao", "segou"]
    assert [r["region"] for r in education_priorities([_incident("a", "b"), _incident("b", "a")], [])] == ["a", "b"]
