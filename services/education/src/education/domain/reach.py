"""Reach statistics, campaign progress and priority regions (pure arithmetic, no I/O).

Participants are counts, not people: a person who attends two sessions is reached twice. The
statistics say "participations" where that matters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .campaign import Campaign
from .session import Session
from .vocabularies import youth_bands


@dataclass
class RegionReach:
    """What the sessions held in one region achieved."""

    sessions: int = 0
    participants: int = 0
    youth: int = 0
    by_sex_and_age: dict[str, dict[str, int]] = field(default_factory=dict)
    quiz_respondents: int = 0
    weighted_gain: float = 0.0

    @property
    def knowledge_gain(self) -> float | None:
        """Average post-minus-pre quiz score, weighted by respondents (None without quizzes)."""
        return round(self.weighted_gain / self.quiz_respondents, 2) if self.quiz_respondents else None

    def public(self) -> dict[str, Any]:
        return {"sessions": self.sessions, "participants": self.participants, "youth_reached": self.youth,
                "by_sex_and_age": self.by_sex_and_age, "quiz_respondents": self.quiz_respondents,
                "knowledge_gain": self.knowledge_gain}


def reach_by_region(sessions: Iterable[Session]) -> dict[str, RegionReach]:
    """Sessions, participants, youth reached and knowledge gain per region."""
    youth = youth_bands()
    regions: dict[str, RegionReach] = {}
    for session in sessions:
        reach = regions.setdefault(session.region, RegionReach())
        reach.sessions += 1
        for cell in session.audience:
            reach.participants += cell.count
            reach.youth += cell.count if cell.age_band in youth else 0
            by_age = reach.by_sex_and_age.setdefault(cell.sex, {})
            by_age[cell.age_band] = by_age.get(cell.age_band, 0) + cell.count
        if session.quiz is not None:
            reach.quiz_respondents += session.quiz.respondents
            reach.weighted_gain += (session.quiz.post_average - session.quiz.pre_average) * session.quiz.respondents
    return dict(sorted(regions.items()))


def totals(regions: Mapping[str, RegionReach]) -> dict[str, Any]:
    """All regions together."""
    overall = RegionReach()
    for reach in regions.values():
        overall.sessions += reach.sessions
        overall.participants += reach.participants
        overall.youth += reach.youth
        overall.quiz_respondents += reach.quiz_respondents
        overall.weighted_gain += reach.weighted_gain
        for sex, by_age in reach.by_sex_and_age.items():
            into = overall.by_sex_and_age.setdefault(sex, {})
            for band, n in by_age.items():
                into[band] = into.get(band, 0) + n
    return overall.public()


def _share(done: int, target: int) -> float | None:
    return round(done / target, 4) if target else None


def campaign_progress(campaign: Campaign, sessions: Iterable[Session]) -> list[dict[str, Any]]:
    """Per target region: youth reached and sessions held by the campaign's sessions, against the targets."""
    counted = [s for s in sessions if s.campaign_id == campaign.id and campaign.covers(s.region, s.held_on)]
    reach = reach_by_region(counted)
    progress = []
    for target in campaign.targets:
        done = reach.get(target.region, RegionReach())
        progress.append({
            "region": target.region,
            "youth_target": target.youth_target, "youth_reached": done.youth,
            "youth_progress": _share(done.youth, target.youth_target),
            "sessions_target": target.sessions_target, "sessions_held": done.sessions,
            "sessions_progress": _share(done.sessions, target.sessions_target),
        })
    return progress


PRIORITY_COUNT = 5


def priority_regions(incidents: Mapping[str, int], youth: Mapping[str, int], regions: Iterable[str],
                     k: int) -> list[dict[str, Any]]:
    """Regions ranked by documented incidents per young person reached: incidents / (youth reached + 1).

    The first PRIORITY_COUNT regions with documented incidents are flagged as priorities. Without
    population figures per region, incidents against reach is the fairest comparison the data
    allows; "+1" keeps regions nobody has reached yet at the top instead of dividing by zero.
    Incident counts are about victims: a count below k is shown as "<k", and the score, which
    would give it back (score x (reach + 1)), is withheld with it.
    """
    def score(region: str) -> float:
        return incidents.get(region, 0) / (youth.get(region, 0) + 1)

    ordered = sorted(regions, key=lambda r: (-score(r), -incidents.get(r, 0), r))
    ranked = []
    for rank, region in enumerate(ordered, start=1):
        count = incidents.get(region, 0)
        small = 0 < count < k
        ranked.append({"rank": rank, "region": region, "youth_reached": youth.get(region, 0),
                       "priority": rank <= PRIORITY_COUNT and count > 0,
                       "documented_incidents": f"<{k}" if small else count,
                       "incidents_per_youth_reached": None if small else round(score(region), 4)})
    return ranked
