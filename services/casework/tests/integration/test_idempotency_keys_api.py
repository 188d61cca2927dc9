"""The kit's Idempotency-Key policy on every command of casework, over HTTP on the real store.

Each command is sent twice with one key and one body (the second answers as the first and writes nothing:
no commit, so nothing for the relay to publish), then with the same key and another body (409 naming the
header, nothing written).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from servicekit.ids import new_id

pytestmark = pytest.mark.integration

LAWYER = {"role": "lawyer", "sub": "lawyer-a"}
Request = tuple[str, str, dict[str, Any] | None]


async def written(cw) -> tuple[int, int]:
    """Commits in the event store and privileged notes: what a command may write."""
    return await cw.count("events"), await cw.count("case_notes")


async def replays(cw, headers: dict[str, str], first: Request, other: Request) -> dict[str, Any] | None:
    """Send `first` twice and `other` once under one key; return the answer's body."""
    keyed = headers | {"Idempotency-Key": f"key-{new_id()}"}
    method, path, body = first
    answer = await cw.client.request(method, path, json=body, headers=keyed)
    assert answer.status_code < 300, answer.text
    before = await written(cw)
    again = await cw.client.request(method, path, json=body, headers=keyed)
    assert (again.status_code, again.content) == (answer.status_code, answer.content)
    assert await written(cw) == before
    method, path, body = other
    reused = await cw.client.request(method, path, json=body, headers=keyed)
    assert reused.status_code == 409, reused.text
    assert reused.json()["errors"][0]["field"] == "Idempotency-Key"
    assert reused.json()["code"] == "idempotency_key_reused"
    assert await written(cw) == before
    return answer.json() if answer.content else None


async def a_hearing(cw, case_id: str) -> str:
    response = await cw.client.post(f"/cases/{case_id}/hearings", headers=cw.headers(**LAWYER), json={
        "court": "ml-tgi-mopti", "starts_at": "2026-03-10T09:30:00", "purpose": "trial"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_a_retried_acceptance_opens_one_case_and_the_key_with_other_lawyers_is_409(cw):
    referral_id, _ = await cw.refer()
    path = f"/referrals/{referral_id}/accept"
    answer = await replays(cw, cw.headers("case_manager"), ("POST", path, {"lawyers": ["lawyer-a"]}),
                           ("POST", path, {"lawyers": ["lawyer-b"]}))
    assert answer is not None
    assert await cw.count("cases", {"_id": answer["case_id"]}) == 1


async def test_a_retried_join_adds_the_victim_once_and_the_key_for_a_new_case_is_409(cw):
    case_id, _ = await cw.open_case()
    referral_id, second = await cw.refer()
    path = f"/referrals/{referral_id}/accept"
    await replays(cw, cw.headers("case_manager"), ("POST", path, {"case_id": case_id}),
                  ("POST", path, {"lawyers": ["lawyer-a"]}))
    case = (await cw.client.get(f"/cases/{case_id}", headers=cw.headers("case_manager"))).json()
    assert case["victim_ids"].count(second) == 1


async def test_a_retried_decline_answers_204_again_and_another_reason_is_409(cw):
    referral_id, _ = await cw.refer()
    path = f"/referrals/{referral_id}/decline"
    await replays(cw, cw.headers("case_manager"), ("POST", path, {"reason": "no_capacity"}),
                  ("POST", path, {"reason": "outside_mandate"}))


async def test_a_retried_transfer_passes_the_referral_on_once_and_another_addressee_is_409(cw):
    referral_id, victim_id = await cw.refer(to="org-legal")
    await cw.deliver(cw.consent_event(victim_id, sharing=("org-legal", "org-wildaf")))
    path = f"/referrals/{referral_id}/transfer"
    answer = await replays(cw, cw.headers("case_manager"), ("POST", path, {"organisation": "org-wildaf"}),
                           ("POST", path, {"organisation": "org-fidh"}))
    assert answer is not None and answer["passed_on_by"] == ["org-legal"]


async def test_a_retried_stage_move_moves_once_and_another_stage_is_409(cw):
    case_id, _ = await cw.open_case()
    path = f"/cases/{case_id}/stage"
    answer = await replays(cw, cw.headers(**LAWYER), ("POST", path, {"to_stage": "complaint_civil_party"}),
                           ("POST", path, {"track": "icc", "to_stage": "communication_submitted"}))
    assert answer is not None and answer["stage"] == "complaint_civil_party"


async def test_a_retried_assignment_assigns_once_and_another_lawyer_is_409(cw):
    case_id, _ = await cw.open_case()
    path = f"/cases/{case_id}/lawyers"
    answer = await replays(cw, cw.headers("case_manager"), ("POST", path, {"lawyer_id": "lawyer-b"}),
                           ("POST", path, {"lawyer_id": "lawyer-c"}))
    assert answer is not None and answer["lawyers"] == ["lawyer-a", "lawyer-b"]


async def test_a_retried_unassignment_answers_the_same_case_and_the_key_for_another_lawyer_is_409(cw):
    case_id, _ = await cw.open_case(lawyers=("lawyer-a", "lawyer-b", "lawyer-c"))
    answer = await replays(cw, cw.headers("case_manager"), ("DELETE", f"/cases/{case_id}/lawyers/lawyer-b", None),
                           ("DELETE", f"/cases/{case_id}/lawyers/lawyer-c", None))
    assert answer is not None and answer["lawyers"] == ["lawyer-a", "lawyer-c"]


async def test_a_retried_court_change_is_recorded_once_and_another_court_is_409(cw):
    case_id, _ = await cw.open_case()
    path = f"/cases/{case_id}/court"
    await replays(cw, cw.headers(**LAWYER), ("PUT", path, {"court": "ml-tgi-gao"}),
                  ("PUT", path, {"court": "ml-pjs-bamako"}))


async def test_a_retried_note_is_stored_once_and_the_key_with_other_text_is_409(cw):
    case_id, _ = await cw.open_case()
    path = f"/cases/{case_id}/notes"
    answer = await replays(cw, cw.headers(**LAWYER), ("POST", path, {"text": "Témoin entendu."}),
                           ("POST", path, {"text": "Autre chose."}))
    notes = (await cw.client.get(path, headers=cw.headers(**LAWYER))).json()
    assert answer is not None and [n["id"] for n in notes] == [answer["id"]]


async def test_a_retried_hearing_is_scheduled_once_and_the_key_for_another_date_is_409(cw):
    case_id, _ = await cw.open_case()
    path = f"/cases/{case_id}/hearings"
    body = {"court": "ml-tgi-mopti", "starts_at": "2026-03-10T09:30:00", "purpose": "trial"}
    await replays(cw, cw.headers(**LAWYER), ("POST", path, body),
                  ("POST", path, body | {"starts_at": "2026-03-11T09:30:00"}))
    assert await cw.count("hearings", {"case_id": case_id}) == 1


async def test_a_retried_postponement_is_recorded_once_and_another_reason_is_409(cw):
    case_id, _ = await cw.open_case()
    path = f"/hearings/{await a_hearing(cw, case_id)}/reschedule"
    body = {"starts_at": "2026-03-17T09:30:00+00:00", "reason": "judge_absent"}
    answer = await replays(cw, cw.headers(**LAWYER), ("POST", path, body),
                           ("POST", path, body | {"reason": "party_absent"}))
    assert answer is not None and len(answer["postponements"]) == 1


async def test_a_retried_outcome_is_recorded_once_and_another_outcome_is_409(cw):
    case_id, _ = await cw.open_case()
    path = f"/hearings/{await a_hearing(cw, case_id)}/held"
    cw.clock.advance(timedelta(days=9))
    await replays(cw, cw.headers(**LAWYER), ("POST", path, {"outcome": "testimony_heard"}),
                  ("POST", path, {"outcome": "procedural_ruling"}))


async def test_a_retried_cancellation_is_recorded_once_and_another_reason_is_409(cw):
    case_id, _ = await cw.open_case()
    path = f"/hearings/{await a_hearing(cw, case_id)}/cancel"
    await replays(cw, cw.headers(**LAWYER), ("POST", path, {"reason": "security"}),
                  ("POST", path, {"reason": "scheduled_in_error"}))


async def test_a_retried_deadline_is_set_once_and_the_key_for_another_date_is_409(cw):
    case_id, _ = await cw.open_case()
    path = f"/cases/{case_id}/tasks"
    body = {"assignee": "lawyer-a", "kind": "filing", "due_on": "2026-03-12"}
    await replays(cw, cw.headers(**LAWYER), ("POST", path, body), ("POST", path, body | {"due_on": "2026-03-13"}))
    assert await cw.count("tasks", {"case_id": case_id}) == 1


async def test_a_retried_completion_is_recorded_once_and_another_date_is_409(cw):
    case_id, _ = await cw.open_case()
    created = await cw.client.post(f"/cases/{case_id}/tasks", headers=cw.headers(**LAWYER),
                                   json={"assignee": "lawyer-a", "kind": "filing", "due_on": "2026-03-12"})
    path = f"/tasks/{created.json()['id']}/complete"
    await replays(cw, cw.headers(**LAWYER), ("POST", path, {"completed_on": "2026-03-02"}),
                  ("POST", path, {"completed_on": "2026-03-01"}))


async def test_retried_reparation_commands_are_recorded_once_and_other_bodies_are_409(cw):
    case_id, _ = await cw.open_case()
    requested = await replays(
        cw, cw.headers(**LAWYER), ("POST", f"/cases/{case_id}/reparations", {"measure": "compensation"}),
        ("POST", f"/cases/{case_id}/reparations", {"measure": "restitution"}))
    assert requested is not None
    path = f"/reparations/{requested['id']}"
    award = {"amount_xof": 3_000_000, "awarded_by": "ml-tgi-mopti", "awarded_on": "2026-02-20"}
    await replays(cw, cw.headers(**LAWYER), ("POST", f"{path}/award", award),
                  ("POST", f"{path}/award", award | {"amount_xof": 4_000_000}))
    payment = {"payment_status": "paid_in_part", "amount_xof": 1_000_000, "paid_on": "2026-03-01"}
    paid = await replays(cw, cw.headers(**LAWYER), ("POST", f"{path}/payments", payment),
                         ("POST", f"{path}/payments", payment | {"amount_xof": 2_000_000}))
    assert paid is not None and paid["total_paid_xof"] == 1_000_000
