"""The referral inbox over HTTP, on the real store."""

from __future__ import annotations

import pytest
from casework.domain.case import case_id_for

pytestmark = pytest.mark.integration


async def test_inbox_lists_a_pending_referral_without_any_name(cw):
    referral_id, victim_id = await cw.refer(name="Fatoumata Diarra")
    response = await cw.client.get("/referrals", headers=cw.headers("case_manager"))
    assert response.status_code == 200
    items = await cw.listed("/referrals", cw.headers("case_manager"))
    entry = next(r for r in items if r["id"] == referral_id)
    assert (entry["victim_id"], entry["status"], entry["urgency"]) == (victim_id, "pending", "high")
    assert "Fatoumata" not in str(items) and "name" not in entry


async def test_the_same_referral_delivered_twice_is_one_inbox_entry(cw):
    envelope = cw.referral_event()
    await cw.deliver(envelope)
    await cw.deliver(envelope)
    assert await cw.count("referrals", {"_id": envelope.subject}) == 1
    assert await cw.count("events", {"aggregate_id": envelope.subject}) == 1


async def test_accepting_opens_exactly_one_case_derived_from_the_referral(cw):
    referral_id, victim_id = await cw.refer()
    accepted = await cw.client.post(f"/referrals/{referral_id}/accept", json={"lawyers": ["lawyer-a", "lawyer-b"]},
                                    headers=cw.headers("case_manager"))
    assert accepted.status_code == 201
    assert accepted.json() == {"case_id": case_id_for(referral_id)}
    again = await cw.client.post(f"/referrals/{referral_id}/accept", json={"lawyers": ["lawyer-c"]},
                                 headers=cw.headers("case_manager"))
    assert again.status_code == 409
    assert await cw.count("cases", {"victim_ids": victim_id}) == 1
    case = (await cw.client.get(f"/cases/{case_id_for(referral_id)}", headers=cw.headers("case_manager"))).json()
    assert (case["lawyers"], case["stage"], case["organisation"]) == (["lawyer-a", "lawyer-b"], "referral_accepted",
                                                                      "org-legal")


async def test_declining_records_the_reason_for_the_organisation(cw):
    referral_id, _ = await cw.refer()
    declined = await cw.client.post(f"/referrals/{referral_id}/decline", json={"reason": "no_capacity"},
                                    headers=cw.headers("case_manager"))
    assert declined.status_code == 204
    mine = await cw.listed("/referrals", cw.headers("case_manager"), status="declined")
    assert any(r["id"] == referral_id and r["decline_reason"] == "no_capacity" for r in mine)


async def test_a_referral_decided_by_another_organisation_is_not_found(cw):
    referral_id, _ = await cw.refer(to="org-other")
    declined = await cw.client.post(f"/referrals/{referral_id}/decline", json={"reason": "outside_mandate"},
                                    headers=cw.headers("case_manager", org="org-other"))
    assert declined.status_code == 204
    response = await cw.client.get(f"/referrals/{referral_id}", headers=cw.headers("case_manager"))
    assert response.status_code == 404


async def test_a_pending_referral_is_seen_and_decided_only_by_its_addressee(cw):
    referral_id, victim_id = await cw.refer(to="org-legal")
    mine = await cw.client.get(f"/referrals/{referral_id}", headers=cw.headers("case_manager"))
    assert mine.status_code == 200 and mine.json()["victim_id"] == victim_id
    other = cw.headers("case_manager", org="org-wildaf")
    assert (await cw.client.get(f"/referrals/{referral_id}", headers=other)).status_code == 404
    assert referral_id not in {r["id"] for r in await cw.listed("/referrals", other)}
    accepted = await cw.client.post(f"/referrals/{referral_id}/accept", json={"lawyers": ["lawyer-w"]},
                                    headers=other)
    assert accepted.status_code == 404
    assert referral_id in {r["id"] for r in await cw.listed("/referrals", cw.headers("case_manager"))}


async def test_duplicate_lawyers_in_an_acceptance_are_refused_and_nothing_is_written(cw):
    referral_id, _ = await cw.refer()
    before = await cw.count("events")
    response = await cw.client.post(f"/referrals/{referral_id}/accept", json={"lawyers": ["lawyer-a", "lawyer-a"]},
                                    headers=cw.headers("case_manager"))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"] == [{"field": "lawyers", "code": "lawyer_listed_twice",
                                          "reason": "Un avocat figure deux fois (affectation en double)."}]
    assert await cw.count("events") == before


async def test_unknown_fields_and_unknown_decline_reasons_are_refused(cw):
    referral_id, _ = await cw.refer()
    extra = await cw.client.post(f"/referrals/{referral_id}/accept", json={"lawyers": ["lawyer-a"], "victim_name": "x"},
                                 headers=cw.headers("case_manager"))
    assert extra.status_code == 422
    assert extra.json()["errors"][0]["field"] == "body.victim_name"
    reason = await cw.client.post(f"/referrals/{referral_id}/decline", json={"reason": "busy"},
                                  headers=cw.headers("case_manager"))
    assert reason.status_code == 422
    assert reason.json()["errors"][0]["field"] == "reason"


async def test_accepting_an_unknown_referral_is_not_found(cw):
    response = await cw.client.post("/referrals/no-such-referral/accept", json={"lawyers": ["lawyer-a"]},
                                    headers=cw.headers("case_manager"))
    assert response.status_code == 404


async def test_the_inbox_is_for_case_managers_and_lawyers_with_a_token(cw):
    assert (await cw.client.get("/referrals")).status_code == 401
    assert (await cw.client.get("/referrals", headers=cw.headers("monitor"))).status_code == 403
    assert (await cw.client.get("/referrals", headers=cw.headers("lawyer"))).status_code == 200


async def test_a_referral_whose_victim_withdrew_consent_cannot_be_accepted(cw):
    referral_id, victim_id = await cw.refer()
    await cw.deliver(cw.intake_event("intake.victim.consent_changed.v1", victim_id,
                                     {"victim_id": victim_id, "legal_support": False, "notifications": True}))
    response = await cw.client.post(f"/referrals/{referral_id}/accept", json={"lawyers": ["lawyer-a"]},
                                    headers=cw.headers("case_manager"))
    assert response.status_code == 409
    assert "consent_withdrawn" in response.json()["detail"]


async def test_reading_a_referral_is_audited(cw):
    referral_id, _ = await cw.refer()
    await cw.client.get(f"/referrals/{referral_id}", headers=cw.headers("case_manager", sub="cm-audit"))
    entry = await cw.deps.core.db["audit_log"].find_one({"resource_id": referral_id, "actor": "cm-audit"})
    assert (entry["action"], entry["resource_type"], entry["outcome"]) == ("referral.read", "referral", "allowed")


async def test_the_addressee_passes_a_referral_on_to_another_organisation_the_victim_shares_with(cw):
    referral_id, victim_id = await cw.refer(to="org-legal")
    await cw.deliver(cw.consent_event(victim_id, sharing=("org-legal", "org-wildaf")))
    listed = await cw.client.get(f"/referrals/{referral_id}", headers=cw.headers("case_manager"))
    assert listed.json()["can_transfer_to"] == ["org-wildaf"]
    moved = await cw.client.post(f"/referrals/{referral_id}/transfer", json={"organisation": "org-wildaf"},
                                 headers=cw.headers("case_manager"))
    assert moved.status_code == 200, moved.text
    assert (moved.json()["receiving_organisation"], moved.json()["passed_on_by"]) == ("org-wildaf", ["org-legal"])
    assert (await cw.client.get(f"/referrals/{referral_id}", headers=cw.headers("case_manager"))).status_code == 404
    wildaf = cw.headers("case_manager", org="org-wildaf")
    accepted = await cw.client.post(f"/referrals/{referral_id}/accept", json={"lawyers": ["lawyer-w"]}, headers=wildaf)
    assert accepted.status_code == 201
    commits = [c async for c in cw.deps.core.db["events"].find({"aggregate_id": referral_id})]
    types = [e["type"] for c in sorted(commits, key=lambda c: c["version"]) for e in c["events"]]
    assert types == ["casework.referral.received.v1", "casework.referral.transferred.v1",
                     "casework.referral.accepted.v1"]


async def test_passing_a_referral_on_outside_the_victims_consent_is_a_409_and_writes_nothing(cw):
    referral_id, victim_id = await cw.refer(to="org-legal")
    await cw.deliver(cw.consent_event(victim_id, sharing=("org-legal",)))
    before = await cw.count("events")
    refused = await cw.client.post(f"/referrals/{referral_id}/transfer", json={"organisation": "org-wildaf"},
                                   headers=cw.headers("case_manager"))
    assert refused.status_code == 409
    assert (refused.json()["errors"][0]["field"], refused.json()["code"]) == ("organisation", "sharing_consent_missing")
    assert await cw.count("events") == before


async def test_passing_a_referral_on_to_an_organisation_that_is_not_legal_aid_is_a_422(cw):
    referral_id, victim_id = await cw.refer(to="org-legal")
    await cw.deliver(cw.consent_event(victim_id, sharing=("org-legal", "org-fidh")))
    refused = await cw.client.post(f"/referrals/{referral_id}/transfer", json={"organisation": "org-fidh"},
                                   headers=cw.headers("case_manager"))
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "organisation"
    assert refused.json()["code"] == "organisation_not_legal_aid"
    assert refused.json()["allowed"] == ["org-legal", "org-wildaf"]


async def test_accepting_is_refused_after_the_victim_stopped_sharing_with_the_organisation(cw):
    referral_id, victim_id = await cw.refer(to="org-legal")
    await cw.deliver(cw.consent_event(victim_id, sharing=("org-wildaf",), version=2))
    refused = await cw.client.post(f"/referrals/{referral_id}/accept", json={"lawyers": ["lawyer-a"]},
                                   headers=cw.headers("case_manager"))
    assert refused.status_code == 409 and refused.json()["errors"][0]["field"] == "organisation"
    assert refused.json()["code"] == "sharing_consent_missing"
