"""Indicators built from other services' events on the real broker and store, every event delivered twice.

The tests share one advocacy instance; each works in its own year, and asks for that period only.
"""

from __future__ import annotations

from datetime import date

import pytest
from servicekit.ids import new_id
from servicekit.testing import header, read_topic

pytestmark = pytest.mark.integration


def incident(advocacy, region: str, occurred_on: str, violations=("killing",), status="unverified", **extra):
    return advocacy.event("intake.incident.documented.v1", new_id(), {
        "organisation": "org-amdh", "occurred_on": occurred_on, "region": region,
        "violation_types": list(violations), "verification_status": status, "confidentiality": "restricted",
        **extra})


async def figure(advocacy, name: str, year: int, **params) -> dict:
    async with advocacy.client("analyst") as analyst:
        response = await analyst.get(f"/indicators/{name}", params={
            "period_start": f"{year}-01-01", "period_end": f"{year}-12-31", **params})
    assert response.status_code == 200, response.text
    return response.json()


def as_dict(series: dict) -> dict:
    return dict(zip(series["labels"], series["values"], strict=True))


async def test_incidents_delivered_twice_are_counted_once(advocacy):
    events = [incident(advocacy, "gao", "2019-03-02") for _ in range(7)]
    events += [incident(advocacy, "mopti", "2019-05-02") for _ in range(6)]
    events += [incident(advocacy, "kidal", "2019-06-01")]
    await advocacy.publish_twice("intake.incidents", *events)

    async def all_counted() -> bool:
        return (await figure(advocacy, "incidents-by-region", 2019))["total"] == 14

    await advocacy.eventually(all_counted)
    body = await figure(advocacy, "incidents-by-region", 2019)
    # Kidal's single incident is withheld, and Mopti with it, so the total cannot give Kidal away.
    assert as_dict(body) == {"gao": 7, "kidal": "<5", "mopti": "x"}
    assert body["disclosure"]["k"] == 5


async def test_verified_only_counts_incidents_verified_after_documentation(advocacy):
    documented = [incident(advocacy, "segou", "2018-02-01") for _ in range(8)]
    verified = [advocacy.event("intake.incident.verification_changed.v1", e.subject,
                               {"previous_status": "unverified", "status": "verified", "reason": "two sources"})
                for e in documented[:6]]
    await advocacy.publish_twice("intake.incidents", *documented, *verified)

    async def verified_counted() -> bool:
        return (await figure(advocacy, "incidents-by-region", 2018, verified_only="true"))["total"] == 6

    await advocacy.eventually(verified_counted)
    everything = await figure(advocacy, "incidents-by-region", 2018)
    assert as_dict(everything) == {"segou": 8}
    by_status = as_dict(await figure(advocacy, "incidents-by-verification", 2018))
    assert by_status == {"unverified": "<5", "verified": "x"}


async def test_an_update_moves_an_incident_to_its_corrected_region(advocacy):
    documented = [incident(advocacy, "tombouctou", "2017-04-01") for _ in range(6)]
    documented += [incident(advocacy, "taoudeni", "2017-04-01") for _ in range(5)]
    moved = advocacy.event("intake.incident.updated.v1", documented[0].subject, {
        "occurred_on": "2017-04-01", "region": "taoudeni", "violation_types": ["killing"],
        "changed_fields": ["region"]})
    await advocacy.publish_twice("intake.incidents", *documented, moved)

    async def moved_out() -> bool:
        return as_dict(await figure(advocacy, "incidents-by-region", 2017)) == {"taoudeni": 6, "tombouctou": 5}

    await advocacy.eventually(moved_out)


def case_events(advocacy, case_id: str, opened: str, complaint: str, trial: str | None, judgment: str | None):
    stages = [("referral_accepted", "complaint_civil_party", complaint)]
    if trial:
        stages.append(("complaint_civil_party", "trial", trial))
    if judgment:
        stages.append(("trial", "judgment", judgment))
    return [advocacy.event("casework.case.opened.v1", case_id, {
                "case_id": case_id, "referral_id": new_id(), "organisation": "org-legal", "victim_ids": [new_id()],
                "incident_ids": [], "lawyers": [], "court": None, "stage": "referral_accepted", "opened_on": opened}),
            *(advocacy.event("casework.case.stage_changed.v1", case_id, {
                "case_id": case_id, "victim_ids": [], "track": "domestic", "from_stage": a, "to_stage": b,
                "effective_on": on, "closure_reason": None}) for a, b, on in stages)]


def hearing(advocacy, kind: str, hearing_id: str, case_id: str, starts_at: str, **extra):
    return advocacy.event(f"casework.hearing.{kind}.v1", hearing_id, {
        "hearing_id": hearing_id, "case_id": case_id, "victim_ids": [], "court": "tgi-bamako-3",
        "court_name": "Tribunal", "city": "Bamako", "starts_at": starts_at, **extra})


async def test_case_pipeline_and_durations_from_casework_events(advocacy):
    cases = [new_id() for _ in range(10)]
    events = []
    for n, case_id in enumerate(cases):
        reaches_trial = n < 5
        events += case_events(advocacy, case_id, "2016-01-05", "2016-02-01",
                              "2016-06-01" if reaches_trial else None, "2016-09-01" if reaches_trial else None)
    hearing_events = []
    for case_id in cases[:5]:
        hearing_id = new_id()
        hearing_events += [
            hearing(advocacy, "scheduled", hearing_id, case_id, "2016-03-01T09:00:00+00:00", purpose="trial"),
            hearing(advocacy, "rescheduled", hearing_id, case_id, "2016-04-01T09:00:00+00:00",
                    previous_starts_at="2016-03-01T09:00:00+00:00", reason="judge_absent"),
            hearing(advocacy, "held", hearing_id, case_id, "2016-04-01T09:00:00+00:00", outcome="testimony_heard"),
        ]
    await advocacy.publish_twice("casework.cases", *events)
    await advocacy.publish_twice("casework.hearings", *hearing_events)

    async def pipeline_complete() -> bool:
        stages = as_dict(await figure(advocacy, "cases-by-stage", 2016))
        durations = (await figure(advocacy, "case-durations", 2016))["complaint_to_first_hearing"]
        return stages["judgment"] == 5 and durations["n"] == 5

    await advocacy.eventually(pipeline_complete)
    stages = as_dict(await figure(advocacy, "cases-by-stage", 2016))
    assert (stages["complaint_civil_party"], stages["judgment"], stages["trial"]) == (5, 5, 0)
    assert (await figure(advocacy, "trial-share", 2016))["share"] == 0.5
    durations = await figure(advocacy, "case-durations", 2016)
    assert durations["complaint_to_first_hearing"]["median_days"] == (date(2016, 4, 1) - date(2016, 2, 1)).days
    assert durations["complaint_to_judgment"]["median_days"] == (date(2016, 9, 1) - date(2016, 2, 1)).days
    assert (await figure(advocacy, "hearing-postponement-rate", 2016))["rate"] == 0.5


async def test_an_event_that_can_never_be_counted_is_dead_lettered_and_the_rest_still_count(advocacy):
    broken = advocacy.event("intake.incident.documented.v1", new_id(), {"occurred_on": "2012-01-01"})  # no region
    after = [incident(advocacy, "kayes", "2012-02-01") for _ in range(5)]
    await advocacy.publish("intake.incidents", broken)
    await advocacy.publish_twice("intake.incidents", *after)

    async def counted() -> bool:
        return (await figure(advocacy, "incidents-by-region", 2012))["total"] == 5

    await advocacy.eventually(counted)
    dead = await read_topic(advocacy.settings.kafka_bootstrap,
                            advocacy.settings.topic_namespace + "advocacy.indicators.dlq", timeout=20, idle=1.0)
    [parked] = [r for r in dead if header(r, "ce_id") == broken.id]
    assert header(parked, "dlq_error_type") == "ValidationError"
    assert "region" in header(parked, "dlq_error_reason")


async def test_narratives_passed_on_referrals_and_victims_leaving_cases_change_no_figure(advocacy):
    """Issue 18's new events share advocacy's topics: none of them is counted, none is dead-lettered."""
    incidents = [incident(advocacy, "menaka", "2011-05-01") for _ in range(5)]
    texts = [advocacy.event("intake.incident.narrative_recorded.v1", i.subject, {
        "narrative_sha256": "a" * 64, "accounts": []}) for i in incidents]
    erased = [advocacy.event("intake.incident.narrative_erased.v1", incidents[0].subject, {
        "reason": "identifies_someone", "erased_at": "2011-06-01T00:00:00+00:00"})]
    cases = [new_id() for _ in range(5)]
    moves = [e for case_id in cases for e in case_events(advocacy, case_id, "2011-01-05", "2011-02-01", None, None)]
    leaving = [advocacy.event("casework.case.victim_removed.v1", cases[0], {
        "case_id": cases[0], "victim_id": new_id(), "referral_id": new_id(), "reason": "consent_withdrawn"}),
        advocacy.event("casework.referral.transferred.v1", new_id(), {
            "referral_id": new_id(), "victim_id": new_id(), "from_organisation": "org-legal",
            "to_organisation": "org-wildaf"})]
    await advocacy.publish_twice("intake.incidents", *incidents, *texts, *erased)
    await advocacy.publish_twice("casework.cases", *moves, *leaving)

    async def counted() -> bool:
        regions = as_dict(await figure(advocacy, "incidents-by-region", 2011))
        stages = as_dict(await figure(advocacy, "cases-by-stage", 2011))
        return regions.get("menaka") == 5 and stages.get("complaint_civil_party") == 5

    await advocacy.eventually(counted)
    dead = await read_topic(advocacy.settings.kafka_bootstrap,
                            advocacy.settings.topic_namespace + "advocacy.indicators.dlq", timeout=3.0)
    new_types = {e.type for e in (*texts, *erased, *leaving)}
    assert not [r for r in dead if header(r, "ce_type") in new_types]
