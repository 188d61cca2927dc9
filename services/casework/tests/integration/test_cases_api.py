"""Cases over HTTP on the real store: visibility, audit, stages, lawyers, court."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


async def audit_entries(cw, case_id: str) -> list[dict]:
    return await cw.deps.core.db["audit_log"].find({"resource_id": case_id}).to_list()


async def test_a_lawyer_lists_only_the_cases_assigned_to_them(cw):
    mine, _ = await cw.open_case(lawyers=("lawyer-list-a",))
    theirs, _ = await cw.open_case(lawyers=("lawyer-list-b",))
    ids = {c["id"] for c in await cw.listed("/cases", cw.headers("lawyer", sub="lawyer-list-a"))}
    assert mine in ids and theirs not in ids


async def test_a_case_manager_lists_only_their_organisations_cases(cw):
    ours, _ = await cw.open_case(org="org-list-1")
    other, _ = await cw.open_case(org="org-list-2")
    listed = await cw.client.get("/cases", headers=cw.headers("case_manager", org="org-list-1"))
    assert ({c["id"] for c in listed.json()["items"]}, listed.json()["next_cursor"]) == ({ours}, None)
    assert other not in listed.text


async def test_reading_a_case_is_audited_without_any_name(cw):
    case_id, _ = await cw.open_case()
    response = await cw.client.get(f"/cases/{case_id}", headers=cw.headers("lawyer", sub="lawyer-a"))
    assert response.status_code == 200
    entries = await audit_entries(cw, case_id)
    assert [(e["action"], e["actor"], e["outcome"]) for e in entries] == [("case.read", "lawyer-a", "allowed")]
    assert "Aminata" not in str(entries)


async def test_another_lawyers_case_is_not_found_and_the_attempt_audited(cw):
    case_id, _ = await cw.open_case()
    response = await cw.client.get(f"/cases/{case_id}", headers=cw.headers("lawyer", sub="lawyer-z"))
    assert response.status_code == 404
    assert response.json()["code"] == "case_not_found"
    assert [e["outcome"] for e in await audit_entries(cw, case_id)] == ["denied"]


async def test_a_valid_stage_change_moves_the_case_and_lists_what_comes_next(cw):
    case_id, _ = await cw.open_case()
    response = await cw.client.post(f"/cases/{case_id}/stage", json={"to_stage": "complaint_civil_party"},
                                    headers=cw.headers("lawyer", sub="lawyer-a"))
    assert response.status_code == 200
    body = response.json()
    assert body["stage"] == "complaint_civil_party"
    assert body["allowed_next"]["domestic"] == ["preliminary_investigation", "judicial_investigation", "trial",
                                                "closed"]


async def test_an_invalid_transition_is_409_naming_the_allowed_stages_and_writes_nothing(cw):
    case_id, _ = await cw.open_case()
    before = await cw.count("events", {"aggregate_id": case_id})
    response = await cw.client.post(f"/cases/{case_id}/stage", json={"to_stage": "judgment"},
                                    headers=cw.headers("lawyer", sub="lawyer-a"))
    assert response.status_code == 409
    assert response.json()["allowed_next"] == ["complaint_civil_party", "closed"]
    assert await cw.count("events", {"aggregate_id": case_id}) == before


async def test_an_unknown_stage_is_422_naming_the_field(cw):
    case_id, _ = await cw.open_case()
    response = await cw.client.post(f"/cases/{case_id}/stage", json={"to_stage": "tribunal_of_heaven"},
                                    headers=cw.headers("lawyer", sub="lawyer-a"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "to_stage"


async def test_an_international_track_moves_in_parallel(cw):
    case_id, _ = await cw.open_case()
    response = await cw.client.post(f"/cases/{case_id}/stage",
                                    json={"track": "icc", "to_stage": "communication_submitted"},
                                    headers=cw.headers("case_manager"))
    assert response.status_code == 200
    assert (response.json()["tracks"], response.json()["stage"]) == ({"icc": "communication_submitted"},
                                                                     "referral_accepted")


async def test_closing_needs_a_reason_and_then_refuses_further_changes(cw):
    case_id, _ = await cw.open_case()
    missing = await cw.client.post(f"/cases/{case_id}/stage", json={"to_stage": "closed"},
                                   headers=cw.headers("case_manager"))
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "closure_reason"
    closed = await cw.client.post(f"/cases/{case_id}/stage",
                                  json={"to_stage": "closed", "closure_reason": "victim_unreachable"},
                                  headers=cw.headers("case_manager"))
    assert (closed.json()["status"], closed.json()["closure_reason"]) == ("closed", "victim_unreachable")
    court = await cw.client.put(f"/cases/{case_id}/court", json={"court": "ml-tgi-gao"},
                                headers=cw.headers("case_manager"))
    assert court.status_code == 409


async def test_a_case_manager_assigns_and_unassigns_lawyers(cw):
    case_id, _ = await cw.open_case()
    assigned = await cw.client.post(f"/cases/{case_id}/lawyers", json={"lawyer_id": "lawyer-b@example.org"},
                                    headers=cw.headers("case_manager"))
    assert assigned.json()["lawyers"] == ["lawyer-a", "lawyer-b@example.org"]
    removed = await cw.client.delete(f"/cases/{case_id}/lawyers/lawyer-a", headers=cw.headers("case_manager"))
    assert removed.json()["lawyers"] == ["lawyer-b@example.org"]
    former = await cw.client.get(f"/cases/{case_id}", headers=cw.headers("lawyer", sub="lawyer-a"))
    assert former.status_code == 404


async def test_a_duplicate_assignment_is_409_and_lawyers_cannot_assign(cw):
    case_id, _ = await cw.open_case()
    duplicate = await cw.client.post(f"/cases/{case_id}/lawyers", json={"lawyer_id": "lawyer-a"},
                                     headers=cw.headers("case_manager"))
    assert duplicate.status_code == 409 and duplicate.json()["errors"][0]["field"] == "lawyer_id"
    by_lawyer = await cw.client.post(f"/cases/{case_id}/lawyers", json={"lawyer_id": "lawyer-q"},
                                     headers=cw.headers("lawyer", sub="lawyer-a"))
    assert by_lawyer.status_code == 403


async def test_a_case_manager_of_another_organisation_cannot_assign(cw):
    case_id, _ = await cw.open_case()
    response = await cw.client.post(f"/cases/{case_id}/lawyers", json={"lawyer_id": "lawyer-q"},
                                    headers=cw.headers("case_manager", org="org-other"))
    assert response.status_code == 404


async def test_the_court_is_recorded_and_an_unknown_court_refused(cw):
    case_id, _ = await cw.open_case()
    known = await cw.client.put(f"/cases/{case_id}/court", json={"court": "ml-pjs-bamako"},
                                headers=cw.headers("lawyer", sub="lawyer-a"))
    assert known.json()["court"] == "ml-pjs-bamako"
    unknown = await cw.client.put(f"/cases/{case_id}/court", json={"court": "ml-tribunal-de-kabul"},
                                  headers=cw.headers("lawyer", sub="lawyer-a"))
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "court"
