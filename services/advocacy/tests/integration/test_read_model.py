"""The read model gives exactly the figures of a full fold of every record, as facts keep arriving.

A few hundred events go through advocacy's real consumers (half of them delivered twice) on the real
broker and store; every question is then answered by the read model (caught up by marks) and by folding
every record of the live generation, the way indicators were computed before it; both must agree, after
more facts (an erasure among them) and after a rebuild.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
from advocacy import figures
from advocacy.domain import published
from advocacy.domain.rows import Period
from advocacy.projections import KINDS, CurrentFacts
from advocacy.replay import rebuild
from advocacy.subscriptions import GROUPS
from servicekit.ids import new_id

pytestmark = pytest.mark.integration

REGIONS = ("mopti", "segou", "gao", "tombouctou", "kidal")
VIOLATIONS = (["killing"], ["sexual_violence"], ["killing", "pillage"], ["torture"])
QUESTIONS: list[dict[str, Any]] = [
    {},
    {"period_start": date(2021, 1, 1), "period_end": date(2021, 12, 31)},
    {"verified_only": True},
    {"period_start": date(2020, 6, 1), "verified_only": True, "sections": ["incidents"]},
    {"sections": ["victims"]},
    {"period_end": date(2021, 6, 30), "sections": ["justice", "education"]},
]
TOPIC_OF = {"incidents": "intake.incidents", "victims": "intake.victims", "referrals": "intake.victims",
            "cases": "casework.cases", "hearings": "casework.hearings", "reparations": "casework.reparations",
            "sessions": "education.sessions"}


class World:
    """Events of every consumed kind, and how many fact records each kind should hold once consumed."""

    def __init__(self, advocacy) -> None:
        self.ev = advocacy.event
        self.events: dict[str, list] = {}
        self.records: Counter[str] = Counter()
        self.incidents: list[str] = []
        self.victims: list[str] = []
        self.deliveries = 0

    def add(self, kind: str, event) -> None:
        self.events.setdefault(TOPIC_OF[kind], []).append(event)
        self.records[kind] += 1

    def incident(self, n: int) -> None:
        incident_id = new_id()
        self.incidents.append(incident_id)
        self.add("incidents", self.ev("intake.incident.documented.v1", incident_id, {
            "organisation": "org-amdh", "occurred_on": f"{2020 + n % 3}-{1 + n % 12:02d}-{1 + n % 27:02d}",
            "region": REGIONS[n % len(REGIONS)], "violation_types": VIOLATIONS[n % len(VIOLATIONS)],
            "perpetrator_categories": ["jihadist_armed_groups"] if n % 2 else ["national_armed_forces"]}))

    def verify(self, incident_id: str) -> None:
        self.add("incidents", self.ev("intake.incident.verification_changed.v1", incident_id, {
            "previous_status": "unverified", "status": "verified", "reason": "two sources"}))

    def move(self, incident_id: str, region: str) -> None:
        self.add("incidents", self.ev("intake.incident.updated.v1", incident_id, {
            "region": region, "changed_fields": ["region"]}))

    def victim(self, n: int) -> None:
        victim_id = new_id()
        self.victims.append(victim_id)
        self.add("victims", self.ev("intake.victim.registered.v1", victim_id, {
            "victim_id": victim_id, "organisation": "org-amdh", "sex": "female" if n % 3 else "male",
            "age_band": "18-24" if n % 2 else "25-39", "region": REGIONS[n % len(REGIONS)]}))
        self.add("victims", self.ev("intake.victim.consent_changed.v1", victim_id, {
            "victim_id": victim_id, "version": 1, "legal_support": True, "sharing": [], "statistics": True,
            "notifications": {"granted": False}}))
        self.add("referrals", self.ev("intake.victim.referred.v1", victim_id, {
            "victim_id": victim_id, "referral_id": new_id(), "needs": ["legal"], "urgency": "normal",
            "incident_ids": [], "referring_organisation": "org-amdh"}))

    def erase(self, victim_id: str) -> None:
        self.add("victims", self.ev("intake.victim.erased.v1", victim_id, {"victim_id": victim_id}))

    def case(self, n: int, victim_id: str) -> None:
        case_id, hearing_id, reparation_id = new_id(), new_id(), new_id()
        self.add("cases", self.ev("casework.case.opened.v1", case_id, {
            "case_id": case_id, "referral_id": new_id(), "organisation": "org-legal", "victim_ids": [victim_id],
            "incident_ids": [], "lawyers": ["lawyer-1"], "stage": "referral_accepted",
            "opened_on": f"2021-0{1 + n % 6}-01"}))
        for m, stage in enumerate(("complaint_civil_party", "judicial_investigation", "trial")[:1 + n % 3]):
            self.add("cases", self.ev("casework.case.stage_changed.v1", case_id, {
                "case_id": case_id, "victim_ids": [victim_id], "track": "domestic", "from_stage": "referral_accepted",
                "to_stage": stage, "effective_on": f"2021-0{7 + m}-0{1 + n % 9}"}))
        hearing = {"hearing_id": hearing_id, "case_id": case_id, "victim_ids": [victim_id], "court": "tgi-mopti",
                   "court_name": "Tribunal de Mopti", "city": "Mopti"}
        self.add("hearings", self.ev("casework.hearing.scheduled.v1", hearing_id, {
            **hearing, "starts_at": f"2021-1{n % 3}-01T09:00:00+00:00", "purpose": "civil_party_hearing"}))
        self.add("hearings", self.ev("casework.hearing.held.v1" if n % 2 else "casework.hearing.rescheduled.v1",
                                     hearing_id, {**hearing, "starts_at": f"2021-1{n % 3}-15T09:00:00+00:00",
                                                  "previous_starts_at": f"2021-1{n % 3}-01T09:00:00+00:00",
                                                  "reason": "lawyer_unavailable", "outcome": "testimony_heard"}))
        self.add("reparations", self.ev("casework.reparation.awarded.v1", reparation_id, {
            "reparation_id": reparation_id, "case_id": case_id, "victim_ids": [victim_id], "measure": "compensation",
            "amount_xof": 500_000 * (1 + n % 4), "awarded_by": "tgi-mopti", "awarded_on": f"2021-0{1 + n % 9}-10"}))

    def session(self, n: int) -> None:
        self.add("sessions", self.ev("education.session.held.v1", new_id(), {
            "organisation": "org-edu", "held_on": f"2021-0{1 + n % 9}-05", "region": REGIONS[n % len(REGIONS)],
            "venue": "school", "audience": [{"sex": "female", "age_band": "15_17", "count": 10 + n}]}))

    async def publish(self, advocacy) -> None:
        """Every event on its topic, every other one twice (a redelivery)."""
        for topic, events in self.events.items():
            await advocacy.publish_twice(topic, *events[::2])
            for event in events[1::2]:
                await advocacy.publish(topic, event)
            self.deliveries += len(events) + len(events[::2])
        self.events = {}


async def consumed(advocacy, world: World) -> None:
    """Wait until the live generation holds every fact record the world's events make, and every mark."""
    async def arrived() -> bool:
        log = await advocacy.deps.projections.live()
        counts = await log.counts()
        marks = await log.db[f"g{log.generation:04d}_marks"].count_documents({})
        return marks == world.deliveries and all(counts[kind] == world.records[kind] for kind in KINDS)

    await advocacy.eventually(arrived)


async def folded_in_full(deps, period_start=None, period_end=None, verified_only=False, sections=None) -> dict:
    """The figures as every request computed them before the read model: every record read and folded."""
    log = await deps.projections.live()
    facts = CurrentFacts(**{kind: await log.folded(kind) for kind in KINDS})
    inputs = published.Inputs(facts=facts, period=Period(period_start, period_end), verified_only=verified_only,
                              k=deps.suppression_k)
    return published.publish(inputs, sections)


async def assert_same_figures(deps) -> None:
    for question in QUESTIONS:
        shot = await figures.snapshot(deps, **question)
        assert shot.indicators == await folded_in_full(deps, **question), question


@pytest.fixture(scope="module")
async def world(advocacy) -> World:
    world = World(advocacy)
    for n in range(90):
        world.incident(n)
    for incident_id in world.incidents[::3]:
        world.verify(incident_id)
    for incident_id in world.incidents[1::10]:
        world.move(incident_id, "mopti")
    for n in range(30):
        world.victim(n)
    for n, victim_id in enumerate(world.victims[:12]):
        world.case(n, victim_id)
    for n in range(10):
        world.session(n)
    await world.publish(advocacy)
    await consumed(advocacy, world)
    return world


async def test_the_read_model_answers_every_question_as_a_full_fold(advocacy, world):
    assert sum(world.records.values()) >= 300
    await assert_same_figures(advocacy.deps)


async def test_facts_that_arrive_later_are_followed_without_reading_everything_again(advocacy, world):
    await assert_same_figures(advocacy.deps)
    state = advocacy.deps.read_model.state
    before = (await figures.snapshot(advocacy.deps)).indicators["incidents_by_region"]["total"]
    for n in range(90, 130):
        world.incident(n)
    for incident_id in world.incidents[90::4]:
        world.verify(incident_id)
    world.case(20, world.victims[20])
    await world.publish(advocacy)
    await consumed(advocacy, world)

    await assert_same_figures(advocacy.deps)
    assert advocacy.deps.read_model.state is state  # caught up, not read again
    assert (await figures.snapshot(advocacy.deps)).indicators["incidents_by_region"]["total"] > before


async def test_an_erased_victim_leaves_the_figures_as_in_a_full_fold(advocacy, world):
    referred = await figures.snapshot(advocacy.deps, sections=["victims"])
    world.erase(world.victims[-1])
    await world.publish(advocacy)
    await consumed(advocacy, world)

    after = await figures.snapshot(advocacy.deps, sections=["victims"])
    total = after.indicators["victims_referred"]["grand_total"]
    assert total == referred.indicators["victims_referred"]["grand_total"] - 1 == 29
    await assert_same_figures(advocacy.deps)


async def test_the_same_question_on_unchanged_facts_is_answered_from_memory(advocacy, world):
    first = await figures.snapshot(advocacy.deps, verified_only=True)
    again = await figures.snapshot(advocacy.deps, verified_only=True)
    assert again is first


async def test_a_rebuilt_generation_is_read_afresh_and_gives_the_same_figures(advocacy, world):
    before = {str(q): (await figures.snapshot(advocacy.deps, **q)).indicators for q in QUESTIONS}
    result = await rebuild(advocacy.deps, GROUPS)
    assert (await figures.snapshot(advocacy.deps)).generation == result.generation
    assert {str(q): (await figures.snapshot(advocacy.deps, **q)).indicators for q in QUESTIONS} == before
    await assert_same_figures(advocacy.deps)

    for n in range(130, 150):
        world.incident(n)
    await world.publish(advocacy)
    await consumed(advocacy, world)
    await assert_same_figures(advocacy.deps)


async def test_while_a_rebuild_settles_every_record_is_folded(advocacy, world):
    # A rebuild's bulk writes become visible in no particular order: until it says settled, marks are not
    # followed and a fact whose mark is not written yet still counts.
    deps = advocacy.deps
    await figures.snapshot(deps)
    generation = await deps.projections.live_generation()
    await deps.projections.swap(generation, built_from=[], settling=True)
    try:
        incident_id = new_id()
        log = deps.projections.generation(generation)
        await log.db[f"g{generation:04d}_incidents"].insert_one({
            "_id": new_id(), "subject": incident_id, "kind": "documented", "at": "2021-05-01T00:00:00+00:00",
            "offset": 0, "data": {"occurred_on": "2021-05-01", "region": "gao", "violation_types": ["killing"],
                                  "perpetrator_categories": [], "verification_status": "unverified"}})
        shot = await figures.snapshot(deps)
        assert shot.indicators == await folded_in_full(deps)
        assert (await figures.snapshot(deps)) is not shot  # nothing remembered while settling
    finally:
        await deps.projections.swap(generation, built_from=[])
