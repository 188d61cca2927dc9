"""Rules of advocacy's own records: actions, recommendations and their history, published reports."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from advocacy.domain import action, recommendation, report
from advocacy.domain.action import ACTION, AttachmentRef, IndicatorSnapshot
from advocacy.domain.recommendation import RECOMMENDATION
from advocacy.domain.report import REPORT, ReportFile
from servicekit.errors import Conflict, Forbidden, InvalidInput, NotFound

TODAY = date(2025, 6, 1)


def log_action(**overrides):
    args = {"organisation": "org-fidh", "target_body": "un_human_rights_council", "action_type": "submission",
            "taken_on": date(2025, 5, 20), "today": TODAY, "title": "Written statement, HRC 59",
            "summary": None, "attachments": [], "cited_indicators": [], "recommendation_ids": []}
    return action.log(None, **{**args, **overrides})


def test_an_action_towards_a_known_body_is_logged_with_its_frozen_figures():
    snapshot = IndicatorSnapshot(indicator="incidents_by_region", parameters={"k": 5},
                                 figures={"labels": ["gao"], "values": [7], "total": 7},
                                 computed_at=datetime(2025, 5, 20, tzinfo=UTC), generation=1)
    [event] = log_action(cited_indicators=[snapshot])
    state = ACTION.fold("a1", None, [event])
    assert state.cited_indicators[0].figures["values"] == [7]


@pytest.mark.parametrize(("overrides", "field"), [
    ({"target_body": "the_moon"}, "target_body"),
    ({"action_type": "telepathy"}, "action_type"),
    ({"taken_on": date(2025, 6, 2)}, "taken_on"),
    ({"attachments": [AttachmentRef(title="a", reference="doc-1"), AttachmentRef(title="b", reference="doc-1")]},
     "attachments"),
])
def test_an_action_with_bad_input_is_refused_naming_the_field(overrides, field):
    with pytest.raises(InvalidInput) as refused:
        log_action(**overrides)
    assert refused.value.field == field


def test_an_unknown_target_body_lists_the_allowed_codes():
    with pytest.raises(InvalidInput) as refused:
        log_action(target_body="the_moon")
    assert "ecowas_court" in refused.value.problem()["allowed"]


def made(**overrides):
    args = {"organisation": "org-amdh", "addressee": "mali_ministry_justice", "today": TODAY,
            "text": "Prosecute the attacks on civilians in Ogossagou", "made_on": date(2024, 1, 15), "source": None}
    [event] = recommendation.make(None, **{**args, **overrides})
    return RECOMMENDATION.fold("r1", None, [event])


def change(state, to_status: str, on: date, organisation: str = "org-amdh"):
    events = recommendation.change_status(state, organisation=organisation, to_status=to_status, changed_on=on,
                                          today=TODAY, note=None, evidence=[])
    return RECOMMENDATION.fold("r1", state, events)


def test_a_recommendation_keeps_its_whole_status_history():
    state = change(change(made(), "acknowledged", date(2024, 3, 1)), "partially_implemented", date(2025, 1, 10))
    assert [(h.status, h.on) for h in state.history] == [
        ("made", date(2024, 1, 15)), ("acknowledged", date(2024, 3, 1)),
        ("partially_implemented", date(2025, 1, 10))]
    assert state.status == "partially_implemented"


def test_a_status_the_workflow_does_not_allow_is_a_conflict_listing_the_allowed_ones():
    state = change(made(), "implemented", date(2024, 3, 1))
    with pytest.raises(Conflict) as refused:
        change(state, "acknowledged", date(2024, 4, 1))
    assert refused.value.problem()["allowed"] == ["partially_implemented"]


def test_a_status_dated_before_the_current_one_is_refused():
    state = change(made(), "acknowledged", date(2024, 3, 1))
    with pytest.raises(InvalidInput) as refused:
        change(state, "rejected", date(2024, 2, 1))
    assert refused.value.field == "changed_on"


def test_only_the_organisation_that_made_a_recommendation_follows_it_up():
    with pytest.raises(Forbidden):
        change(made(), "acknowledged", date(2024, 3, 1), organisation="org-other")


def test_following_up_a_recommendation_that_does_not_exist_is_not_found():
    with pytest.raises(NotFound):
        change(None, "acknowledged", date(2024, 3, 1))


def test_an_unknown_addressee_is_refused():
    with pytest.raises(InvalidInput) as refused:
        made(addressee="nobody")
    assert refused.value.field == "addressee"


def files() -> list[ReportFile]:
    return [ReportFile(name="report.html", media_type="text/html", size=10, sha256="a" * 64),
            ReportFile(name="indicators.csv", media_type="text/csv", size=5, sha256="b" * 64)]


def test_a_published_report_records_the_sha256_of_its_files_manifest():
    [event] = report.publish(None, organisation="org-fidh", title="2024", period_start=date(2024, 1, 1),
                             period_end=date(2024, 12, 31), verified_only=False, suppression_k=5, generation=1,
                             files=files(), today=TODAY)
    expected = report.manifest_sha256(list(reversed(files())))  # the order files are listed in does not matter
    assert REPORT.fold("p1", None, [event]).sha256 == expected


@pytest.mark.parametrize(("start", "end", "field"), [
    (date(2024, 12, 31), date(2024, 1, 1), "period_end"),
    (date(2025, 7, 1), date(2025, 12, 31), "period_start"),
])
def test_a_report_on_an_impossible_period_is_refused(start, end, field):
    with pytest.raises(InvalidInput) as refused:
        report.publish(None, organisation="o", title="t", period_start=start, period_end=end, verified_only=False,
                       suppression_k=5, generation=1, files=files(), today=TODAY)
    assert refused.value.field == field
