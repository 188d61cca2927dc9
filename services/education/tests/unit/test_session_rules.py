"""Rules of sessions and campaigns: what can be recorded, and what is refused naming the field."""

from __future__ import annotations

from datetime import date

import pytest
from education.domain import campaign, session
from education.domain.campaign import CAMPAIGN, CampaignDraft, RegionTarget
from education.domain.session import SESSION, AudienceCount, QuizAverages, SessionDraft
from servicekit.errors import InvalidInput

TODAY = date(2025, 6, 1)


def audience(*cells: tuple[str, str, int]) -> list[AudienceCount]:
    return [AudienceCount(sex=sex, age_band=band, count=n) for sex, band, n in cells]


def hold(campaign=None, **overrides):
    args = {"held_on": date(2025, 5, 12), "region": "mopti", "cercle": "mopti/djenne", "venue": "school",
            "topics": ["victims_rights", "fight_against_impunity"],
            "audience": audience(("female", "15_17", 21), ("male", "15_17", 18)), "materials": ["Booklet 3"],
            "quiz": QuizAverages(pre_average=41.5, post_average=68.0, respondents=35)}
    draft = SessionDraft(**{**args, **overrides})
    return session.hold(None, draft, organisation="org-edu", today=TODAY, campaign=campaign)


def test_a_session_held_is_recorded_with_its_audience_counted():
    state = SESSION.fold("s1", None, hold())
    assert (state.participants, state.topics) == (39, ["fight_against_impunity", "victims_rights"])
    assert state.facilitating_organisation == "org-edu"


def test_a_session_held_today_is_recorded_and_one_tomorrow_is_not():
    assert SESSION.fold("s1", None, hold(held_on=TODAY)).held_on == TODAY
    with pytest.raises(InvalidInput) as refused:
        hold(held_on=date(2025, 6, 2))
    assert refused.value.code == "session_in_future"


def test_an_empty_topic_list_or_target_list_is_refused_by_the_shape():
    with pytest.raises(ValueError, match="at least 1 item"):
        SessionDraft(held_on=TODAY, region="mopti", venue="school", topics=[], audience=audience(("male", "18_24", 1)))
    with pytest.raises(ValueError, match="at least 1 item"):
        CampaignDraft(name="c", goals=["g"], topics=["victims_rights"], period_start=TODAY, period_end=TODAY,
                      targets=[])


@pytest.mark.parametrize(("overrides", "field"), [
    ({"region": "atlantis"}, "region"),
    ({"cercle": "gao/gao"}, "cercle"),
    ({"venue": "stadium"}, "venue"),
    ({"topics": ["victims_rights", "astrology"]}, "topics.1"),
    ({"audience": audience(("female", "16_20", 5))}, "audience.0.age_band"),
    ({"audience": audience(("female", "15_17", 5), ("female", "15_17", 3))}, "audience"),
    ({"audience": audience(("female", "15_17", 0))}, "audience"),
    ({"quiz": QuizAverages(pre_average=10, post_average=20, respondents=40)}, "quiz.respondents"),
])
def test_a_session_with_bad_input_is_refused_naming_the_field(overrides, field):
    with pytest.raises(InvalidInput) as refused:
        hold(**overrides)
    assert refused.value.field == field


def test_an_unknown_venue_lists_the_allowed_ones():
    with pytest.raises(InvalidInput) as refused:
        hold(venue="stadium")
    assert refused.value.problem()["allowed"] == ["school", "university", "radio", "community", "online"]


def test_negative_counts_are_refused_by_the_schema():
    with pytest.raises(ValueError, match="greater than or equal to 0"):
        AudienceCount(sex="male", age_band="18_24", count=-3)


def launch(**overrides):
    args = {"name": "Youth against impunity 2025", "goals": ["Reach 5,000 pupils"],
            "topics": ["fight_against_impunity"], "period_start": date(2025, 1, 1), "period_end": date(2025, 12, 31),
            "targets": [RegionTarget(region="mopti", youth_target=3000, sessions_target=40),
                        RegionTarget(region="segou", youth_target=2000, sessions_target=25)]}
    return campaign.launch(None, CampaignDraft(**{**args, **overrides}), organisation="org-edu")


def test_a_campaign_covers_sessions_in_its_regions_and_period():
    state = CAMPAIGN.fold("c1", None, launch())
    assert state.covers("mopti", date(2025, 3, 1))
    assert not state.covers("gao", date(2025, 3, 1))
    assert not state.covers("mopti", date(2026, 1, 1))


@pytest.mark.parametrize(("overrides", "field"), [
    ({"period_end": date(2024, 12, 31)}, "period_end"),
    ({"targets": [RegionTarget(region="narnia", youth_target=1, sessions_target=1)]}, "targets.0.region"),
    ({"targets": [RegionTarget(region="gao", youth_target=1, sessions_target=1)] * 2}, "targets"),
    ({"topics": ["cooking"]}, "topics.0"),
])
def test_a_campaign_with_bad_input_is_refused_naming_the_field(overrides, field):
    with pytest.raises(InvalidInput) as refused:
        launch(**overrides)
    assert refused.value.field == field


MOPTI_2025 = CAMPAIGN.fold("c1", None, launch())


@pytest.mark.parametrize(("campaign", "overrides", "code"), [
    (None, {}, "campaign_not_of_organisation"),
    (MOPTI_2025.model_copy(update={"organisation": "org-other"}), {}, "campaign_not_of_organisation"),
    (MOPTI_2025, {"region": "gao", "cercle": None}, "campaign_not_covering"),
    (MOPTI_2025, {"held_on": date(2024, 12, 31)}, "campaign_not_covering"),
])
def test_a_session_counts_only_towards_a_campaign_of_its_organisation_covering_it(campaign, overrides, code):
    with pytest.raises(InvalidInput) as refused:
        hold(campaign=campaign, campaign_id="c1", **overrides)
    assert (refused.value.code, refused.value.field) == (code, "campaign_id")


def test_a_session_in_a_campaign_s_region_and_period_counts_towards_it():
    assert SESSION.fold("s1", None, hold(campaign=MOPTI_2025, campaign_id="c1")).campaign_id == "c1"
