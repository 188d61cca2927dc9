"""Referrals accepted into an existing case (a collective complaint), over HTTP on the real store."""

from __future__ import annotations

from functools import partial

import pytest
from casework.domain import referral
from casework.domain.case import CASE, case_id_for
from casework.domain.referral import REFERRAL
from servicekit.envelope import Envelope
from servicekit.eventstore import CommandContext
from servicekit.integrity import verify_aggregate

pytestmark = pytest.mark.integration

LAWYER = {"role": "lawyer", "sub": "lawyer-a"}


async def events_of(cw, aggregate_id):
    """Every event of one aggregate, in order (type and data)."""
    return [e for commit in await cw.deps.core.store.history(aggregate_id) for e in commit["events"]]


async def joins(cw, case_id):
    return [e["data"] for e in await events_of(cw, case_id) if e["type"] == "casework.case.victim_joined.v1"]


async def join(cw, referral_id, case_id, org="org-legal", **extra):
    return await cw.client.post(f"/referrals/{referral_id}/accept", json={"case_id": case_id, **extra},
                                headers=cw.headers("case_manager", org=org))


async def collective_case(cw):
    """Two referrals, the second accepted into the first's case; returns (case id, first victim, second victim)."""
    case_id, first = await cw.open_case()
    referral_id, second = await cw.refer(name="Oumou Sangaré")
    joined = await join(cw, referral_id, case_id)
    assert joined.status_code == 201, joined.text
    assert joined.json() == {"case_id": case_id}
    return case_id, first, second, referral_id


async def test_a_second_referral_joins_the_first_case_and_the_case_lists_both_victims(cw):
    case_id, first, second, referral_id = await collective_case(cw)
    case = (await cw.client.get(f"/cases/{case_id}", headers=cw.headers(**LAWYER))).json()
    assert (case["victim_ids"], case["lawyers"], case["status"]) == ([first, second], ["lawyer-a"], "open")
    assert case["referral_ids"][1] == referral_id
    accepted = (await cw.client.get(f"/referrals/{referral_id}", headers=cw.headers("case_manager"))).json()
    assert (accepted["status"], accepted["case_id"], accepted["lawyers"]) == ("accepted", case_id, ["lawyer-a"])
    assert await cw.count("cases", {"_id": case_id_for(referral_id)}) == 0
    events = await events_of(cw, case_id)
    assert [e["type"] for e in events] == ["casework.case.opened.v1", "casework.case.victim_joined.v1"]
    assert await joins(cw, case_id) == [{"case_id": case_id, "victim_id": second, "referral_id": referral_id}]
    assert "Oumou" not in str(events)
    assert (await verify_aggregate(cw.deps.core.store, CASE, case_id)).ok


async def test_a_retried_acceptance_into_the_case_changes_nothing(cw):
    case_id, _, _, referral_id = await collective_case(cw)
    before = await cw.count("events")
    again = await join(cw, referral_id, case_id)
    assert (again.status_code, again.json()) == (201, {"case_id": case_id})
    assert await cw.count("events") == before
    elsewhere, _ = await cw.open_case()
    moved = await join(cw, referral_id, elsewhere)
    assert moved.status_code == 409 and moved.json()["code"] == "referral_already_decided"


async def test_a_hearing_of_the_collective_case_names_both_victims(cw):
    case_id, first, second, _ = await collective_case(cw)
    hearing = await cw.client.post(f"/cases/{case_id}/hearings", headers=cw.headers(**LAWYER), json={
        "court": "ml-tgi-mopti", "starts_at": "2026-03-10T09:30:00", "purpose": "trial"})
    assert hearing.status_code == 201, hearing.text
    assert hearing.json()["victim_ids"] == [first, second]
    scheduled = await events_of(cw, hearing.json()["id"])
    assert [e["data"]["victim_ids"] for e in scheduled] == [[first, second]]


async def test_the_lawyer_reads_both_names_and_no_one_elses(cw):
    case_id, first, second, _ = await collective_case(cw)
    names = {}
    for victim_id in (first, second):
        response = await cw.client.get(f"/cases/{case_id}/victims/{victim_id}/name", headers=cw.headers(**LAWYER))
        assert response.status_code == 200, response.text
        names[victim_id] = response.json()["name"]
    assert names == {first: "Aminata Traoré", second: "Oumou Sangaré"}
    _, stranger = await cw.open_case(lawyers=("lawyer-b",))
    outside = await cw.client.get(f"/cases/{case_id}/victims/{stranger}/name", headers=cw.headers(**LAWYER))
    assert outside.status_code == 404


NOTE_ABOUT_HER = "Oumou a perdu son mari lors de l'attaque ; elle vit chez sa sœur à Sévaré."
NOTE_ABOUT_FIRST = "Aminata témoignera à l'audience."
NOTE_COLLECTIVE = "Plainte collective : audience de jonction à demander."


async def notes_of_both(cw, case_id, first, second):
    for victim, text in ((second, NOTE_ABOUT_HER), (first, NOTE_ABOUT_FIRST), (None, NOTE_COLLECTIVE)):
        created = await cw.client.post(f"/cases/{case_id}/notes", json={"text": text, "victim_id": victim},
                                       headers=cw.headers(**LAWYER))
        assert created.status_code == 201, created.text


async def test_erasing_the_joined_victim_removes_her_and_her_notes_and_the_case_goes_on_for_the_other(cw):
    case_id, first, second, referral_id = await collective_case(cw)
    await notes_of_both(cw, case_id, first, second)
    erased = cw.intake_event("intake.victim.erased.v1", second,
                             {"victim_id": second, "erased_at": cw.clock().isoformat(), "reason": "legal_request"})
    await cw.deliver(erased)
    await cw.deliver(erased)
    case = (await cw.client.get(f"/cases/{case_id}", headers=cw.headers(**LAWYER))).json()
    assert (case["victim_ids"], case["flags"]) == ([first], [])
    assert case["removed_victims"] == [{"victim_id": second, "reason": "victim_erased"}]
    removed = [e["data"] for e in await events_of(cw, case_id) if e["type"] == "casework.case.victim_removed.v1"]
    assert removed == [{"case_id": case_id, "victim_id": second, "referral_id": referral_id,
                        "reason": "victim_erased"}]
    assert await cw.deps.core.db["victim_identities"].find_one({"_id": second}) is None
    notes = (await cw.client.get(f"/cases/{case_id}/notes", headers=cw.headers(**LAWYER))).json()
    assert sorted(n["text"] for n in notes) == sorted([NOTE_ABOUT_FIRST, NOTE_COLLECTIVE])
    assert await cw.count("case_notes", {"case_id": case_id, "victim_id": second}) == 0
    gone = await cw.client.get(f"/cases/{case_id}/victims/{second}/name", headers=cw.headers(**LAWYER))
    assert gone.status_code == 404  # she is no longer a victim of this case
    still = await cw.client.get(f"/cases/{case_id}/victims/{first}/name", headers=cw.headers(**LAWYER))
    assert (still.status_code, still.json()["name"]) == (200, "Aminata Traoré")
    moved = await cw.client.post(f"/cases/{case_id}/stage", json={"to_stage": "complaint_civil_party"},
                                 headers=cw.headers(**LAWYER))
    assert moved.status_code == 200 and moved.json()["stage"] == "complaint_civil_party"
    entry = (await cw.client.get(f"/referrals/{referral_id}", headers=cw.headers("case_manager"))).json()
    assert entry["flags"] == ["victim_erased"]


async def test_the_joined_victim_withdrawing_consent_leaves_the_case_with_her_notes_and_it_goes_on(cw):
    case_id, first, second, _ = await collective_case(cw)
    await notes_of_both(cw, case_id, first, second)
    withdrawal = cw.intake_event("intake.victim.consent_changed.v1", second,
                                 {"victim_id": second, "legal_support": False}, at=cw.clock())
    await cw.deliver(withdrawal)
    await cw.deliver(withdrawal)
    case = (await cw.client.get(f"/cases/{case_id}", headers=cw.headers(**LAWYER))).json()
    assert (case["victim_ids"], case["victim_flags"]) == ([first], [])
    assert case["removed_victims"] == [{"victim_id": second, "reason": "consent_withdrawn"}]
    hidden = await cw.client.get(f"/cases/{case_id}/victims/{second}/name", headers=cw.headers(**LAWYER))
    assert hidden.status_code == 404
    texts = [n["text"] for n in (await cw.client.get(f"/cases/{case_id}/notes", headers=cw.headers(**LAWYER))).json()]
    assert NOTE_ABOUT_HER not in texts and NOTE_ABOUT_FIRST in texts
    # Renewed consent does not put her back: she is referred again to rejoin.
    cw.clock.set(cw.clock().replace(hour=10))
    await cw.deliver(cw.intake_event("intake.victim.consent_changed.v1", second,
                                     {"victim_id": second, "legal_support": True}, at=cw.clock()))
    case = (await cw.client.get(f"/cases/{case_id}", headers=cw.headers(**LAWYER))).json()
    assert (case["victim_ids"], case["flags"]) == ([first], [])


async def test_when_the_last_victim_withdraws_the_case_is_flagged_and_may_only_be_closed(cw):
    case_id, first, second, _ = await collective_case(cw)
    for victim in (second, first):
        await cw.deliver(cw.intake_event("intake.victim.consent_changed.v1", victim,
                                         {"victim_id": victim, "legal_support": False}, at=cw.clock()))
    case = (await cw.client.get(f"/cases/{case_id}", headers=cw.headers(**LAWYER))).json()
    assert (case["victim_ids"], case["victim_flags"]) == ([first], [{"victim_id": first, "flag": "consent_withdrawn"}])
    assert case["allowed_next"]["domestic"] == ["closed"]
    refused = await cw.client.post(f"/cases/{case_id}/stage", json={"to_stage": "complaint_civil_party"},
                                   headers=cw.headers(**LAWYER))
    assert refused.status_code == 409 and refused.json()["allowed_next"] == ["closed"]
    notes = await cw.client.post(f"/cases/{case_id}/notes", json={"text": "suivi"}, headers=cw.headers(**LAWYER))
    assert notes.status_code == 201  # withdrawal may be undone: the last victim's notes stay until erasure


async def test_an_unknown_case_or_another_organisations_case_is_not_found(cw):
    referral_id, _ = await cw.refer()
    unknown = await join(cw, referral_id, "no-such-case")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    theirs, _ = await cw.open_case(org="org-other")
    before = await cw.count("events")
    other = await join(cw, referral_id, theirs)
    assert other.status_code == 404 and other.json()["detail"] == unknown.json()["detail"]
    assert await cw.count("events") == before
    pending = (await cw.client.get(f"/referrals/{referral_id}", headers=cw.headers("case_manager"))).json()
    assert pending["status"] == "pending"


async def test_a_closed_or_flagged_case_or_a_victim_already_in_it_is_a_conflict(cw):
    case_id, victim_id = await cw.open_case()
    again, _ = await cw.refer(victim_id=victim_id)
    already = await join(cw, again, case_id)
    assert already.status_code == 409 and already.json()["code"] == "victim_already_in_case"
    assert already.headers["content-type"].startswith("application/problem+json")

    await cw.deliver(cw.intake_event("intake.victim.consent_changed.v1", victim_id,
                                     {"victim_id": victim_id, "legal_support": False}))
    referral_id, _ = await cw.refer()
    flagged = await join(cw, referral_id, case_id)
    assert flagged.status_code == 409 and flagged.json()["code"] == "case_flagged_no_join"

    closed_id, _ = await cw.open_case()
    close = await cw.client.post(f"/cases/{closed_id}/stage", headers=cw.headers(**LAWYER),
                                 json={"to_stage": "closed", "closure_reason": "withdrawal"})
    assert close.status_code == 200, close.text
    before = await cw.count("events")
    refused = await join(cw, referral_id, closed_id)
    assert refused.status_code == 409 and refused.json()["code"] == "case_closed"
    assert await cw.count("events") == before


async def test_joining_takes_no_lawyers_or_court(cw):
    case_id, _ = await cw.open_case()
    referral_id, _ = await cw.refer()
    lawyers = await join(cw, referral_id, case_id, lawyers=["lawyer-z"])
    assert lawyers.status_code == 422 and lawyers.json()["errors"][0]["field"] == "lawyers"
    court = await join(cw, referral_id, case_id, court="ml-tgi-mopti")
    assert court.status_code == 422 and court.json()["errors"][0]["field"] == "court"
    bad = await join(cw, referral_id, "not/an id")
    assert bad.status_code == 422


async def test_opening_a_case_still_needs_a_lawyer(cw):
    referral_id, _ = await cw.refer()
    response = await cw.client.post(f"/referrals/{referral_id}/accept", json={}, headers=cw.headers("case_manager"))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "lawyers"


async def test_a_join_that_died_after_the_referral_is_completed_by_the_consumer(cw):
    case_id, first = await cw.open_case()
    referral_id, second = await cw.refer()
    ctx = CommandContext(actor="case_manager-1")
    accepted = await cw.deps.core.store.execute(REFERRAL, referral_id, partial(
        referral.accept, case_id=case_id, organisation="org-legal", lawyers=["lawyer-a"], court=None), context=ctx)
    envelope = Envelope(id=accepted.event_ids[0], source="/redress/casework", type="casework.referral.accepted.v1",
                        subject=referral_id, time=cw.clock(), data=accepted.events[0].model_dump(mode="json"),
                        classification="confidential")
    for _ in range(2):
        await cw.deliver(envelope)  # to ensure_case_opened, as casework's own cases group would
    case = (await cw.deps.core.store.load(CASE, case_id)).state
    assert case is not None and case.victim_ids == [first, second]
    assert await joins(cw, case_id) == [{"case_id": case_id, "victim_id": second, "referral_id": referral_id}]


async def test_a_hearing_moved_after_a_victim_left_names_only_the_victims_still_in_the_case(cw):
    case_id, first, second, _ = await collective_case(cw)
    scheduled = await cw.client.post(f"/cases/{case_id}/hearings", json={
        "court": "ml-tgi-mopti", "starts_at": "2026-03-16T09:30:00+00:00", "purpose": "trial"},
        headers=cw.headers(**LAWYER))
    assert scheduled.status_code == 201, scheduled.text
    assert scheduled.json()["victim_ids"] == [first, second]
    await cw.deliver(cw.intake_event("intake.victim.consent_changed.v1", second,
                                     {"victim_id": second, "legal_support": False}, at=cw.clock()))
    moved = await cw.client.post(f"/hearings/{scheduled.json()['id']}/reschedule",
                                 json={"starts_at": "2026-03-17T09:30:00+00:00", "reason": "judge_absent"},
                                 headers=cw.headers(**LAWYER))
    assert moved.status_code == 200, moved.text
    [rescheduled] = [e["data"] for e in await events_of(cw, scheduled.json()["id"])
                     if e["type"] == "casework.hearing.rescheduled.v1"]
    assert rescheduled["victim_ids"] == [first]
