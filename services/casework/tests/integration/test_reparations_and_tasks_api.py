"""Reparations (XOF), deadlines and vocabularies over HTTP on the real store."""

from __future__ import annotations

from datetime import timedelta

import pytest

pytestmark = pytest.mark.integration

LAWYER = {"role": "lawyer", "sub": "lawyer-a"}


async def a_reparation(cw, measure="compensation"):
    case_id, _ = await cw.open_case()
    response = await cw.client.post(f"/cases/{case_id}/reparations",
                                    json={"measure": measure, "requested_amount_xof": 5_000_000},
                                    headers=cw.headers(**LAWYER))
    assert response.status_code == 201, response.text
    return case_id, response.json()


async def test_a_compensation_is_requested_awarded_and_paid_in_part_then_in_full(cw):
    case_id, reparation = await a_reparation(cw)
    path = f"/reparations/{reparation['id']}"
    awarded = await cw.client.post(f"{path}/award", json={"amount_xof": 3_000_000, "awarded_by": "ml-tgi-mopti",
                                                          "awarded_on": "2026-02-20"}, headers=cw.headers(**LAWYER))
    assert (awarded.json()["status"], awarded.json()["amount_xof"]) == ("awarded", 3_000_000)
    part = await cw.client.post(f"{path}/payments", json={"payment_status": "paid_in_part", "amount_xof": 1_000_000,
                                                          "paid_on": "2026-03-01"}, headers=cw.headers(**LAWYER))
    assert part.json()["total_paid_xof"] == 1_000_000
    full = await cw.client.post(f"{path}/payments", json={"payment_status": "paid_in_full", "amount_xof": 2_000_000,
                                                          "paid_on": "2026-03-02"}, headers=cw.headers(**LAWYER))
    assert (full.json()["status"], full.json()["total_paid_xof"]) == ("paid_in_full", 3_000_000)
    listed = await cw.client.get(f"/cases/{case_id}/reparations", headers=cw.headers("case_manager"))
    assert [r["status"] for r in listed.json()["items"]] == ["paid_in_full"]


@pytest.mark.parametrize("amount", [-1, 0, 1.5, "1000", 10**12])
async def test_negative_fractional_or_absurd_amounts_are_422_and_nothing_is_written(cw, amount):
    case_id, _ = await cw.open_case()
    before = await cw.count("reparations")
    response = await cw.client.post(f"/cases/{case_id}/reparations",
                                    json={"measure": "compensation", "requested_amount_xof": amount},
                                    headers=cw.headers(**LAWYER))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.requested_amount_xof"
    assert await cw.count("reparations") == before


async def test_a_payment_above_the_award_is_422(cw):
    _, reparation = await a_reparation(cw)
    path = f"/reparations/{reparation['id']}"
    await cw.client.post(f"{path}/award", json={"amount_xof": 100, "awarded_by": "icc", "awarded_on": "2026-02-01"},
                         headers=cw.headers(**LAWYER))
    response = await cw.client.post(f"{path}/payments", json={"payment_status": "paid_in_full", "amount_xof": 101,
                                                              "paid_on": "2026-03-01"}, headers=cw.headers(**LAWYER))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "amount_xof"


async def test_another_lawyer_cannot_see_a_reparation(cw):
    _, reparation = await a_reparation(cw)
    mine = await cw.client.get(f"/reparations/{reparation['id']}", headers=cw.headers(**LAWYER))
    assert mine.json()["measure"] == "compensation"
    other = await cw.client.get(f"/reparations/{reparation['id']}", headers=cw.headers("lawyer", sub="lawyer-b"))
    assert other.status_code == 404


async def test_a_lawyers_deadlines_are_listed_with_overdue_flagged_until_done(cw):
    case_id, _ = await cw.open_case(lawyers=("lawyer-task",))
    created = await cw.client.post(f"/cases/{case_id}/tasks",
                                   json={"assignee": "lawyer-task", "kind": "appeal_deadline", "due_on": "2026-03-12"},
                                   headers=cw.headers("case_manager"))
    assert created.status_code == 201 and created.json()["is_overdue"] is False
    cw.clock.advance(timedelta(days=11))
    listed = await cw.listed("/tasks", cw.headers("lawyer", sub="lawyer-task"))
    assert [(t["id"], t["is_overdue"]) for t in listed] == [(created.json()["id"], True)]
    done = await cw.client.post(f"/tasks/{created.json()['id']}/complete", json={},
                                headers=cw.headers("lawyer", sub="lawyer-task"))
    assert (done.json()["status"], done.json()["is_overdue"]) == ("done", False)
    assert await cw.listed("/tasks", cw.headers("lawyer", sub="lawyer-task")) == []
    per_case = await cw.client.get(f"/cases/{case_id}/tasks", headers=cw.headers("case_manager"))
    assert [t["status"] for t in per_case.json()["items"]] == ["done"]


async def test_a_deadline_for_someone_off_the_case_or_in_the_past_is_422(cw):
    case_id, _ = await cw.open_case()
    stranger = await cw.client.post(f"/cases/{case_id}/tasks",
                                    json={"assignee": "lawyer-z", "kind": "filing", "due_on": "2026-03-12"},
                                    headers=cw.headers(**LAWYER))
    assert stranger.status_code == 422 and stranger.json()["errors"][0]["field"] == "assignee"
    past = await cw.client.post(f"/cases/{case_id}/tasks",
                                json={"assignee": "lawyer-a", "kind": "filing", "due_on": "2026-03-01"},
                                headers=cw.headers(**LAWYER))
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "due_on"


async def test_vocabularies_list_stages_courts_and_terms_with_both_languages(cw):
    headers = cw.headers(**LAWYER)
    procedure = (await cw.client.get("/vocabularies/procedure", headers=headers)).json()
    assert procedure["tracks"][0]["code"] == "domestic"
    courts = (await cw.client.get("/vocabularies/courts", headers=headers)).json()["terms"]
    assert {"code": "icc", "city": "La Haye", "track": "icc"}.items() <= next(c for c in courts
                                                                            if c["code"] == "icc").items()
    terms = (await cw.client.get("/vocabularies/terms/hearing_purposes", headers=headers)).json()["terms"]
    assert all(t["label_fr"] and t["label_en"] for t in terms)
    assert (await cw.client.get("/vocabularies/terms/nope", headers=headers)).status_code == 404
    assert (await cw.client.get("/vocabularies/courts")).status_code == 401
