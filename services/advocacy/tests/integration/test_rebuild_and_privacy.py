"""Rebuilding the projections from the topics gives the live figures; the store keeps no victim id."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import pytest
from advocacy.replay import rebuild
from advocacy.subscriptions import GROUPS
from servicekit.ids import new_id

pytestmark = pytest.mark.integration


def world(advocacy, victim_id: str, referral_id: str, case_id: str) -> dict[str, list]:
    """One victim's path through every service, plus enough others to publish figures."""
    ev = advocacy.event
    hearing_id, reparation_id = new_id(), new_id()
    incidents = [ev("intake.incident.documented.v1", new_id(), {
        "organisation": "org-amdh", "occurred_on": f"2021-03-0{1 + n % 3}", "region": region,
        "violation_types": ["killing", "pillage"] if n % 2 else ["sexual_violence"],
        "perpetrator_categories": ["jihadist_armed_groups"],
        "acts": [{"violation_type": "killing", "victim_ids": [victim_id], "perpetrators": []}]})
        for n, region in enumerate(["mopti"] * 7 + ["segou"] * 6 + ["kidal"] * 2)]
    others = [new_id() for _ in range(6)]
    victims = [ev("intake.victim.registered.v1", v, {"victim_id": v, "organisation": "org-amdh", "sex": "female",
                                                      "age_band": "18-24", "region": "mopti"})
               for v in [victim_id, *others]]
    victims += [ev("intake.victim.consent_changed.v1", v, {
        "victim_id": v, "version": 1, "legal_support": True, "sharing": [], "statistics": True,
        "notifications": {"granted": False}}) for v in [victim_id, *others]]
    victims += [ev("intake.victim.referred.v1", v, {"victim_id": v, "referral_id": r, "needs": ["legal"],
                                                     "urgency": "normal", "incident_ids": [],
                                                     "referring_organisation": "org-amdh"})
                for v, r in [(victim_id, referral_id), *((o, new_id()) for o in others)]]
    cases = [ev("casework.case.opened.v1", case_id, {
        "case_id": case_id, "referral_id": referral_id, "organisation": "org-legal", "victim_ids": [victim_id],
        "incident_ids": [], "lawyers": ["lawyer-1"], "stage": "referral_accepted", "opened_on": "2021-04-01"}),
        ev("casework.case.stage_changed.v1", case_id, {
            "case_id": case_id, "victim_ids": [victim_id], "track": "domestic", "from_stage": "referral_accepted",
            "to_stage": "complaint_civil_party", "effective_on": "2021-05-01"})]
    hearing = {"hearing_id": hearing_id, "case_id": case_id, "victim_ids": [victim_id], "court": "tgi-mopti",
               "court_name": "Tribunal de Mopti", "city": "Mopti"}
    hearings = [ev("casework.hearing.scheduled.v1", hearing_id, {**hearing, "starts_at": "2021-06-01T09:00:00+00:00",
                                                                 "purpose": "civil_party_hearing"}),
                ev("casework.hearing.held.v1", hearing_id, {**hearing, "starts_at": "2021-06-01T09:00:00+00:00",
                                                            "outcome": "testimony_heard"})]
    reparations = [ev("casework.reparation.awarded.v1", reparation_id, {
        "reparation_id": reparation_id, "case_id": case_id, "victim_ids": [victim_id], "measure": "compensation",
        "amount_xof": 2_000_000, "awarded_by": "tgi-mopti", "awarded_on": "2021-09-01"})]
    sessions = [ev("education.session.held.v1", new_id(), {
        "organisation": "org-edu", "held_on": "2021-05-05", "region": "mopti", "venue": "school",
        "audience": [{"sex": "female", "age_band": "15_17", "count": 30}]})]
    return {"intake.incidents": incidents, "intake.victims": victims, "casework.cases": cases,
            "casework.hearings": hearings, "casework.reparations": reparations, "education.sessions": sessions}


async def all_figures(advocacy) -> dict[str, Any]:
    async with advocacy.client("analyst") as analyst:
        response = await analyst.get("/indicators", params={"period_start": "2021-01-01",
                                                             "period_end": "2021-12-31"})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
async def fed(advocacy):
    ids = {"victim": new_id(), "referral": new_id(), "case": new_id()}
    for topic, events in world(advocacy, ids["victim"], ids["referral"], ids["case"]).items():
        await advocacy.publish_twice(topic, *events)

    expected = {"incidents": 15, "victims": 14, "referrals": 7, "cases": 2, "hearings": 2, "reparations": 1,
                "sessions": 1}

    async def everything_arrived() -> bool:
        return await (await advocacy.deps.projections.live()).counts() == expected

    await advocacy.eventually(everything_arrived)
    return ids


async def test_rebuilt_projections_give_the_same_figures_as_the_live_ones(advocacy, fed):
    live = await all_figures(advocacy)
    result = await rebuild(advocacy.deps, GROUPS)
    rebuilt = await all_figures(advocacy)
    assert rebuilt["generation"] == live["generation"] + 1 == result.generation
    assert rebuilt["indicators"] == live["indicators"]
    assert result.records["incidents"] == 15  # each event once, though every one was delivered twice


async def test_live_consumers_write_into_the_rebuilt_generation(advocacy, fed):
    await rebuild(advocacy.deps, GROUPS)
    await advocacy.publish("intake.incidents", advocacy.event("intake.incident.documented.v1", new_id(), {
        "organisation": "org-amdh", "occurred_on": "2021-08-01", "region": "segou", "violation_types": ["torture"]}))

    async def counted() -> bool:
        return (await all_figures(advocacy))["indicators"]["incidents_by_region"]["total"] == 23

    await advocacy.eventually(counted)


async def test_the_admin_endpoint_rebuilds_and_reports_the_new_generation(advocacy, fed):
    async with advocacy.client("admin") as admin:
        before = (await admin.get("/admin/projections")).json()["generation"]
        assert (await admin.post("/admin/projections/rebuild")).status_code == 202

        async def done() -> bool:
            return ((await admin.get("/admin/projections")).json()["rebuild"] or {}).get("state") == "done"

        await advocacy.eventually(done)
        status = (await admin.get("/admin/projections")).json()
    assert status["generation"] == before + 1
    async with advocacy.client("analyst") as analyst:
        assert (await analyst.post("/admin/projections/rebuild")).status_code == 403


async def test_the_rebuild_command_replays_the_topics_with_the_service_settings(advocacy, fed):
    live = await all_figures(advocacy)
    s = advocacy.settings
    env = {**os.environ, "ADVOCACY_KAFKA_BOOTSTRAP": s.kafka_bootstrap, "ADVOCACY_MONGO_URL": s.mongo_url,
           "ADVOCACY_MONGO_DB": s.mongo_db, "ADVOCACY_TOPIC_NAMESPACE": s.topic_namespace}
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "advocacy.entrypoints.rebuild", env=env,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0
    assert f"generation {live['generation']} -> {live['generation'] + 1}" in out.decode()
    assert (await all_figures(advocacy))["indicators"] == live["indicators"]


def strings_in(value: Any) -> list[str]:
    """Every string in a document, keys included."""
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *strings_in(v))]
    if isinstance(value, list | tuple):
        return [s for v in value for s in strings_in(v)]
    return [value] if isinstance(value, str) else []


async def test_the_store_holds_no_victim_referral_or_case_id(advocacy, fed):
    db = advocacy.deps.core.db
    found = []
    for name in await db.list_collection_names():
        async for doc in db[name].find({}):
            found += [(name, s) for s in strings_in(doc) if any(i in s for i in fed.values())]
    assert found == []
    # ...and yet the one victim is counted, by sex and age band, among those referred (dated when referred).
    async with advocacy.client("analyst") as analyst:
        referred = (await analyst.get("/indicators/victims-referred")).json()
    assert referred["rows"] == [{"label": "female", "values": [7], "total": 7}]
