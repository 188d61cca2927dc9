"""The worker on the real broker: intake's events consumed (twice), casework's events published once."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from functools import partial

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from casework.domain import referral
from casework.domain.case import case_id_for
from casework.domain.referral import REFERRAL
from casework_support import START, Casework, FakeNames, notes_key
from servicekit.eventstore import CommandContext
from servicekit.ids import new_id
from servicekit.testing import FakeClock, InProcessService, eventually, header, in_process_service, read_topic

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def service(infra, tmp_path_factory) -> AsyncIterator[InProcessService]:
    """Casework with its worker (relay and consumer groups) running against the real broker."""
    async with in_process_service("casework", infra, tmp_path_factory.mktemp("worker"), clock=FakeClock(START),
                                  notes_key_source=notes_key()) as running:
        yield running


@pytest.fixture(scope="module")
async def running(service) -> AsyncIterator[Casework]:
    """The helpers that act like intake and users, over the running service."""
    app = Casework.of(service, FakeNames())  # enrols names as intake would; the service keeps its real key path
    yield app
    await app.client.aclose()


async def committed(app: Casework, topic: str) -> int:
    """How many records of a topic casework's intake group has committed (offsets summed over partitions)."""
    settings = app.deps.core.settings
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, client_id="casework-test-admin")
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(f"{settings.topic_namespace}casework.intake")
    finally:
        await admin.close()
    return sum(meta.offset for tp, meta in offsets.items() if tp.topic == settings.topic_namespace + topic)


async def test_a_referral_delivered_twice_and_re_emitted_is_one_inbox_entry(service, running):
    envelope = running.referral_event()
    re_emitted = running.intake_event(envelope.type, envelope.subject, envelope.data)  # same referral, new event id
    other_type = running.intake_event("intake.victim.registered.v1", envelope.data["victim_id"], {"x": 1})
    for delivered in (envelope, envelope, re_emitted):
        await service.publish("intake.referrals", delivered)
    await service.publish("intake.victims", other_type)

    async def arrived() -> bool:
        return await running.count("referrals", {"_id": envelope.subject}) == 1

    await eventually(arrived, "the referral in the inbox")

    async def all_three_consumed() -> bool:
        return await committed(running, "intake.referrals") == 3

    # The duplicates too: they must have changed nothing.
    await eventually(all_three_consumed, "the three deliveries consumed")
    assert await running.count("events", {"aggregate_id": envelope.subject}) == 1


async def test_accepting_publishes_referral_accepted_and_case_opened_once(running):
    referral_id, victim_id = await running.refer()
    response = await running.client.post(f"/referrals/{referral_id}/accept", json={"lawyers": ["lawyer-a"]},
                                         headers=running.headers("case_manager"))
    assert response.status_code == 201
    ns = running.deps.core.settings.topic_namespace
    bootstrap = running.deps.core.settings.kafka_bootstrap
    cases = [r for r in await read_topic(bootstrap, ns + "casework.cases", timeout=20, idle=2.0)
             if header(r, "ce_subject") == case_id_for(referral_id)]
    assert [header(r, "ce_type") for r in cases] == ["casework.case.opened.v1"]
    referrals = [r for r in await read_topic(bootstrap, ns + "casework.cases", timeout=20, idle=2.0)
                 if header(r, "ce_subject") == referral_id]
    accepted = [json.loads(r.value) for r in referrals if header(r, "ce_type") == "casework.referral.accepted.v1"]
    assert accepted == [{"referral_id": referral_id, "victim_id": victim_id, "case_id": case_id_for(referral_id),
                         "organisation": "org-legal", "lawyers": ["lawyer-a"], "court": None}]


async def test_an_acceptance_whose_case_was_never_opened_is_healed_by_the_worker(running):
    referral_id, _ = await running.refer()
    decide = partial(referral.accept, case_id=case_id_for(referral_id), organisation="org-legal",
                     lawyers=["lawyer-a"], court=None)
    # As if the API process died between accepting the referral and opening its case.
    await running.deps.core.store.execute(REFERRAL, referral_id, decide, context=CommandContext(actor="cm-1"))

    async def opened() -> bool:
        return await running.count("cases", {"_id": case_id_for(referral_id)}) == 1

    await eventually(opened, "the case opened by the worker")


async def test_hearing_events_carry_what_notify_needs_and_no_name(running):
    case_id, victim_id = await running.open_case()
    scheduled = await running.client.post(f"/cases/{case_id}/hearings", headers=running.headers("case_manager"),
                                          json={"court": "ml-ca-mopti", "starts_at": "2026-03-20T08:00:00",
                                                "purpose": "appeal_hearing"})
    assert scheduled.status_code == 201
    ns = running.deps.core.settings.topic_namespace
    records = [r for r in await read_topic(running.deps.core.settings.kafka_bootstrap, ns + "casework.hearings",
                                           timeout=20, idle=2.0)
               if header(r, "ce_subject") == scheduled.json()["id"]]
    assert [header(r, "ce_type") for r in records] == ["casework.hearing.scheduled.v1"]
    data = json.loads(records[0].value)
    assert {k: data[k] for k in ("hearing_id", "case_id", "victim_ids", "starts_at", "court_name", "city")} == {
        "hearing_id": scheduled.json()["id"], "case_id": case_id, "victim_ids": [victim_id],
        "starts_at": "2026-03-20T08:00:00+00:00", "court_name": "Cour d'appel de Mopti", "city": "Mopti"}
    assert "court" not in data  # consumers that read "court" or "court_name" get the name, never the code
    assert "Aminata" not in records[0].value.decode()


async def test_a_referral_as_intake_publishes_it_on_the_victims_topic_reaches_the_inbox(service, running):
    """Intake's own shape: subject = victim id, on intake.victims, its urgency codes, no referred_at."""
    victim_id, referral_id = new_id(), new_id()
    data = {"referral_id": referral_id, "victim_id": victim_id, "needs": ["civil_party_filing"],
            "urgency": "critical", "incident_ids": [], "referring_organisation": "org-doc",
            "name_ciphertext": running.names.enrol(victim_id, "Oumar Maïga")}
    await service.publish("intake.victims", running.intake_event("intake.victim.referred.v1", victim_id, data))

    async def arrived() -> bool:
        return await running.count("referrals", {"_id": referral_id, "urgency": "critical"}) == 1

    await eventually(arrived, "the referral in the inbox")


async def test_joining_a_case_publishes_the_join_once_and_hearings_name_both_victims(running):
    case_id, first = await running.open_case()
    referral_id, second = await running.refer()
    joined = await running.client.post(f"/referrals/{referral_id}/accept", json={"case_id": case_id},
                                       headers=running.headers("case_manager"))
    assert joined.status_code == 201, joined.text
    scheduled = await running.client.post(f"/cases/{case_id}/hearings", headers=running.headers("case_manager"),
                                          json={"court": "ml-ca-mopti", "starts_at": "2026-03-20T08:00:00",
                                                "purpose": "appeal_hearing"})
    assert scheduled.status_code == 201
    ns, bootstrap = running.deps.core.settings.topic_namespace, running.deps.core.settings.kafka_bootstrap
    on_cases = await read_topic(bootstrap, ns + "casework.cases", timeout=20, idle=2.0)
    of_case = [r for r in on_cases if header(r, "ce_subject") == case_id]
    assert [header(r, "ce_type") for r in of_case] == ["casework.case.opened.v1", "casework.case.victim_joined.v1"]
    assert json.loads(of_case[1].value) == {"case_id": case_id, "victim_id": second, "referral_id": referral_id}
    accepted = [json.loads(r.value) for r in on_cases if header(r, "ce_subject") == referral_id
                and header(r, "ce_type") == "casework.referral.accepted.v1"]
    assert [(a["victim_id"], a["case_id"]) for a in accepted] == [(second, case_id)]  # what notify keys on
    hearings = [r for r in await read_topic(bootstrap, ns + "casework.hearings", timeout=20, idle=2.0)
                if header(r, "ce_subject") == scheduled.json()["id"]]
    assert json.loads(hearings[0].value)["victim_ids"] == [first, second]


async def test_a_join_whose_victim_never_reached_the_case_is_healed_by_the_worker(running):
    case_id, _ = await running.open_case()
    referral_id, second = await running.refer()
    decide = partial(referral.accept, case_id=case_id, organisation="org-legal", lawyers=["lawyer-a"], court=None)
    # As if the API process died between accepting the referral into the case and adding its victim.
    await running.deps.core.store.execute(REFERRAL, referral_id, decide, context=CommandContext(actor="cm-1"))

    async def joined() -> bool:
        return await running.count("cases", {"_id": case_id, "victim_ids": second}) == 1

    await eventually(joined, "the victim joined by the worker")


async def test_a_retried_keyed_hearing_is_published_once(running):
    case_id, _ = await running.open_case()
    keyed = running.headers("case_manager") | {"Idempotency-Key": f"key-{new_id()}"}
    body = {"court": "ml-ca-mopti", "starts_at": "2026-03-20T08:00:00", "purpose": "appeal_hearing"}
    first = await running.client.post(f"/cases/{case_id}/hearings", headers=keyed, json=body)
    again = await running.client.post(f"/cases/{case_id}/hearings", headers=keyed, json=body)
    assert (first.status_code, again.json()) == (201, first.json())
    ns, bootstrap = running.deps.core.settings.topic_namespace, running.deps.core.settings.kafka_bootstrap
    records = [r for r in await read_topic(bootstrap, ns + "casework.hearings", timeout=20, idle=2.0)
               if header(r, "ce_subject") == first.json()["id"]]
    assert [header(r, "ce_type") for r in records] == ["casework.hearing.scheduled.v1"]
