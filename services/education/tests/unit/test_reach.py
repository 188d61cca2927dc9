"""Reach statistics, campaign progress and priority regions."""

from __future__ import annotations

from datetime import date

from education.domain.campaign import Campaign, RegionTarget
from education.domain.reach import campaign_progress, priority_regions, reach_by_region, totals
from education.domain.session import AudienceCount, QuizAverages, Session


def session(region: str, cells: list[tuple[str, str, int]], *, quiz: QuizAverages | None = None,
            campaign_id: str | None = None, held_on: date = date(2025, 3, 1)) -> Session:
    return Session(id="s", organisation="org-edu", facilitating_organisation="org-edu", held_on=held_on,
                   region=region, venue="school", topics=["victims_rights"], materials=[], quiz=quiz,
                   campaign_id=campaign_id,
                   audience=[AudienceCount(sex=s, age_band=b, count=n) for s, b, n in cells])


def test_youth_are_participants_under_25():
    reach = reach_by_region([session("gao", [("female", "15_17", 10), ("male", "25_plus", 7),
                                             ("male", "18_24", 4)])])
    assert (reach["gao"].participants, reach["gao"].youth) == (21, 14)
    assert reach["gao"].by_sex_and_age == {"female": {"15_17": 10}, "male": {"25_plus": 7, "18_24": 4}}


def test_knowledge_gain_is_weighted_by_quiz_respondents():
    reach = reach_by_region([
        session("kayes", [("female", "under_15", 30)], quiz=QuizAverages(pre_average=40, post_average=70,
                                                                          respondents=30)),
        session("kayes", [("male", "under_15", 10)], quiz=QuizAverages(pre_average=50, post_average=60,
                                                                        respondents=10)),
        session("kayes", [("male", "under_15", 10)]),
    ])
    assert reach["kayes"].knowledge_gain == (30 * 30 + 10 * 10) / 40


def test_knowledge_gain_is_unknown_without_quizzes():
    assert reach_by_region([session("kayes", [("male", "18_24", 3)])])["kayes"].knowledge_gain is None


def test_totals_add_every_region():
    overall = totals(reach_by_region([session("gao", [("female", "15_17", 10)]),
                                      session("kidal", [("female", "15_17", 5), ("male", "25_plus", 2)])]))
    assert (overall["sessions"], overall["participants"], overall["youth_reached"]) == (2, 17, 15)
    assert overall["by_sex_and_age"]["female"] == {"15_17": 15}


def test_campaign_progress_counts_only_its_own_sessions_in_its_regions_and_period():
    campaign = Campaign(id="c1", organisation="org-edu", name="c", goals=["g"], topics=["victims_rights"],
                        period_start=date(2025, 1, 1), period_end=date(2025, 6, 30),
                        targets=[RegionTarget(region="mopti", youth_target=100, sessions_target=4)])
    sessions = [session("mopti", [("female", "15_17", 25)], campaign_id="c1"),
                session("mopti", [("female", "15_17", 25)], campaign_id="other"),
                session("mopti", [("female", "15_17", 25)], campaign_id="c1", held_on=date(2025, 8, 1))]
    [mopti] = campaign_progress(campaign, sessions)
    assert (mopti["youth_reached"], mopti["youth_progress"], mopti["sessions_held"]) == (25, 0.25, 1)


def test_priority_goes_to_many_incidents_and_little_reach():
    ranked = priority_regions({"gao": 40, "mopti": 60, "kayes": 10}, {"mopti": 2000, "kayes": 0},
                              ["gao", "mopti", "kayes", "sikasso"], k=5)
    assert [r["region"] for r in ranked] == ["gao", "kayes", "mopti", "sikasso"]
    assert [r["priority"] for r in ranked] == [True, True, True, False]


def test_a_small_incident_count_is_shown_as_below_k_and_its_score_withheld():
    [kidal] = priority_regions({"kidal": 2}, {}, ["kidal"], k=5)
    assert (kidal["documented_incidents"], kidal["incidents_per_youth_reached"]) == ("<5", None)
