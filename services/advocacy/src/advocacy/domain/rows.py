"""From current facts to the rows the indicator arithmetic counts, for one period (pure, no I/O).

Period rules (each figure says what its period filters):
- incidents: the date the incident occurred;
- referrals: the date of referral; victims supported: the date their case opened;
- cases by stage: cases opened by the end of the period, at the stage they had reached by then;
- trial share and durations: the cohort of complaints filed in the period, followed to today;
- hearings: the date of each sitting; reparations: the date of the award;
- education reach: the date of the session.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import facts as f
from .indicators import CaseRow, HearingRow, IncidentRow, ReachRow, ReparationRow

UNKNOWN = "unknown"
UNSPECIFIED_PERPETRATOR = "not_recorded"
COMPLAINT_STAGE = "complaint_civil_party"
JUDGMENT_STAGE = "judgment"


@dataclass(frozen=True)
class Period:
    """Inclusive period; an open end means no bound on that side."""

    start: date | None = None
    end: date | None = None

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date):
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class BandRow:
    """One victim counted by sex and age band (under a one-way key)."""

    victim: str
    sex: str
    age_band: str


REJECTED = "rejected"


def incident_rows(incidents: Mapping[str, f.IncidentFacts], period: Period, *,
                  verified_only: bool = False) -> list[IncidentRow]:
    """One row per incident, violation type and perpetrator category (counts are distinct incidents).

    An incident that verification rejected is no longer a documented incident and is not counted.
    """
    rows = []
    for key, incident in incidents.items():
        if incident.occurred_on not in period or incident.verification_status == REJECTED \
                or (verified_only and not incident.verified):
            continue
        for violation in incident.violation_types:
            for perpetrator in incident.perpetrator_categories or (UNSPECIFIED_PERPETRATOR,):
                rows.append(IncidentRow(key, incident.occurred_on.year, incident.region, violation, perpetrator,
                                        incident.verification_status))
    return rows


def incident_counts(incidents: Mapping[str, f.IncidentFacts], period: Period, *,
                    verified_only: bool = False) -> dict[str, Any]:
    """What `indicators.incident_breakdowns` gives for `incident_rows(...)`, counted per incident in one pass.

    Every count is of distinct incidents, so an incident adds one to each key it has (to each region once
    per violation type in `violations_by_region`, the unit of the education density); no row is built.
    """
    by: dict[str, Counter[str]] = {name: Counter() for name in ("year", "region", "violation", "perpetrator",
                                                                "verification")}
    year_violation: Counter[tuple[str, str]] = Counter()
    region_violation: Counter[tuple[str, str]] = Counter()
    pairs: Counter[str] = Counter()
    counted = 0
    for incident in incidents.values():
        violations = {str(v) for v in incident.violation_types}
        if not violations or incident.occurred_on not in period or incident.verification_status == REJECTED \
                or (verified_only and not incident.verified):
            continue
        counted += 1
        year, region = str(incident.occurred_on.year), str(incident.region)
        by["year"][year] += 1
        by["region"][region] += 1
        by["verification"][str(incident.verification_status)] += 1
        by["perpetrator"].update({str(p) for p in incident.perpetrator_categories or (UNSPECIFIED_PERPETRATOR,)})
        by["violation"].update(violations)
        year_violation.update((year, v) for v in violations)
        region_violation.update((region, v) for v in violations)
        pairs[region] += len(violations)
    return {"incidents": counted, **{f"by_{name}": dict(sorted(c.items())) for name, c in by.items()},
            "year_by_violation": _nested(year_violation), "region_by_violation": _nested(region_violation),
            "violations_by_region": dict(sorted(pairs.items()))}


def _nested(cells: Counter[tuple[str, str]]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    for (row, column), n in sorted(cells.items()):
        table.setdefault(row, {})[column] = n
    return table


def referred_victims(referrals: Mapping[str, f.ReferralFacts], victims: Mapping[str, f.VictimFacts],
                     period: Period) -> list[BandRow]:
    """Victims referred to legal support in the period, by sex and age band."""
    rows = []
    for key, referral in referrals.items():
        if referral.referred_on not in period:
            continue
        victim = victims.get(referral.victim_key or "", f.VictimFacts())
        if victim.counted:
            rows.append(BandRow(referral.victim_key or key, victim.sex or UNKNOWN, victim.age_band or UNKNOWN))
    return rows


def supported_victims(cases: Mapping[str, f.CaseFacts], referrals: Mapping[str, f.ReferralFacts],
                      victims: Mapping[str, f.VictimFacts], period: Period) -> list[BandRow]:
    """Victims whose case opened in the period (legal support), by sex and age band."""
    rows = []
    for case in cases.values():
        if case.opened_on not in period:
            continue
        referral = referrals.get(case.referral_id or "")
        keys = case.victim_keys or ((referral.victim_key,) if referral and referral.victim_key else ())
        for victim_key in keys:
            victim = victims.get(victim_key, f.VictimFacts())
            if victim.counted:
                rows.append(BandRow(victim_key, victim.sex or UNKNOWN, victim.age_band or UNKNOWN))
    return rows


def stage_on(case: f.CaseFacts, day: date | None) -> str:
    """The stage a case had reached by a day (its current stage without a day)."""
    if day is None:
        return case.stage
    reached = [(on, f.STAGE_ORDER.index(s) if s in f.STAGE_ORDER else -1, s)
               for s, on in case.reached.items() if on <= day]
    return max(reached)[2] if reached else case.stage


def case_rows(cases: Mapping[str, f.CaseFacts], hearings: Mapping[str, f.HearingFacts], period: Period, *,
              complaint_cohort: bool) -> list[CaseRow]:
    """Cases opened by the period's end (or, for the cohort, whose complaint was filed in the period)."""
    first_hearing: dict[str, date] = {}
    for hearing in hearings.values():
        held = hearing.held_on
        if held is not None and (hearing.case_id not in first_hearing or held < first_hearing[hearing.case_id]):
            first_hearing[hearing.case_id] = held
    rows = []
    for key, case in cases.items():
        complaint_on = case.reached_on(COMPLAINT_STAGE)
        if complaint_cohort and complaint_on not in period:
            continue
        if not complaint_cohort and period.end is not None and case.opened_on > period.end:
            continue
        rows.append(CaseRow(key, stage_on(case, None if complaint_cohort else period.end), complaint_on,
                            first_hearing.get(key), case.reached_on(JUDGMENT_STAGE), case.reached_trial))
    return rows


def hearing_rows(hearings: Mapping[str, f.HearingFacts], period: Period) -> list[HearingRow]:
    """Sittings dated in the period, with what became of each."""
    return [HearingRow(key, sitting.outcome) for key, hearing in hearings.items()
            for sitting in hearing.sittings if sitting.on in period]


def reparation_rows(reparations: Mapping[str, f.ReparationFacts], period: Period) -> list[ReparationRow]:
    """Reparations awarded in the period, with what has been paid on them."""
    return [ReparationRow(r.case_id, r.awarded_xof, r.paid_xof, r.payment_status)
            for r in reparations.values() if r.awarded_on in period]


def reach_rows(sessions: Mapping[str, f.SessionFacts], period: Period) -> list[ReachRow]:
    """Youth reached by the education sessions held in the period."""
    return [ReachRow(s.region, s.youth) for s in sessions.values() if s.held_on in period]
