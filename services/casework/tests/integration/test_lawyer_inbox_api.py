"""A lawyer of the receiving organisation works the referral inbox over HTTP, on the real store."""

from __future__ import annotations

import pytest
from casework.domain.case import case_id_for

pytestmark = pytest.mark.integration


def lawyer(cw, sub: str = "lawyer-inbox", org: str = "org-legal") -> dict[str, str]:
    return cw.headers("lawyer", sub=sub, org=org)


async def audited(cw, referral_id: str, actor: str) -> list[tuple[str, str]]:
    entries = await cw.deps.core.db["audit_log"].find({"resource_id": referral_id, "actor": actor}).to_list()
    return [(e["action"], e["outcome"]) for e in entries]


async def test_a_lawyer_of_the_addressee_lists_and_reads_the_inbox_and_both_reads_are_audited(cw):
    referral_id, victim_id = await cw.refer(to="org-legal", name="Fatoumata Diarra")
    items = await cw.listed("/referrals", lawyer(cw))
    assert referral_id in {r["id"] for r in items} and "Fatoumata" not in str(items)
    read = await cw.client.get(f"/referrals/{referral_id}", headers=lawyer(cw))
    assert (read.status_code, read.json()["victim_id"]) == (200, victim_id)
    assert await audited(cw, referral_id, "lawyer-inbox") == [("referral.read", "allowed")] * 2


async def test_a_lawyer_accepting_opens_a_case_assigned_to_themselves(cw):
    referral_id, _ = await cw.refer(to="org-legal")
    accepted = await cw.client.post(f"/referrals/{referral_id}/accept", json={}, headers=lawyer(cw))
    assert (accepted.status_code, accepted.json()) == (201, {"case_id": case_id_for(referral_id)})
    case = await cw.client.get(f"/cases/{case_id_for(referral_id)}", headers=lawyer(cw))
    assert case.status_code == 200
    assert (case.json()["lawyers"], case.json()["organisation"]) == (["lawyer-inbox"], "org-legal")


async def test_a_lawyer_cannot_accept_a_referral_into_a_case_for_other_lawyers_and_nothing_is_written(cw):
    referral_id, _ = await cw.refer(to="org-legal")
    before = await cw.count("events")
    refused = await cw.client.post(f"/referrals/{referral_id}/accept",
                                   json={"lawyers": ["lawyer-inbox", "lawyer-b"]}, headers=lawyer(cw))
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert (refused.json()["errors"][0]["field"], refused.json()["code"]) == ("lawyers", "lawyer_accepts_for_self")
    assert await cw.count("events") == before


async def test_a_lawyer_accepts_a_referral_into_a_case_assigned_to_them(cw):
    case_id, first = await cw.open_case(lawyers=("lawyer-inbox",))
    referral_id, second = await cw.refer(to="org-legal")
    joined = await cw.client.post(f"/referrals/{referral_id}/accept", json={"case_id": case_id}, headers=lawyer(cw))
    assert (joined.status_code, joined.json()) == (201, {"case_id": case_id})
    case = (await cw.client.get(f"/cases/{case_id}", headers=lawyer(cw))).json()
    assert case["victim_ids"] == [first, second]


async def test_a_lawyer_cannot_join_a_referral_to_a_case_of_other_lawyers(cw):
    case_id, _ = await cw.open_case(lawyers=("lawyer-b",))
    referral_id, _ = await cw.refer(to="org-legal")
    refused = await cw.client.post(f"/referrals/{referral_id}/accept", json={"case_id": case_id},
                                   headers=lawyer(cw))
    assert (refused.status_code, refused.json()["code"]) == (404, "case_not_found")
    pending = await cw.client.get(f"/referrals/{referral_id}", headers=lawyer(cw))
    assert pending.json()["status"] == "pending"


async def test_a_lawyer_declines_a_referral_with_a_reason_code(cw):
    referral_id, _ = await cw.refer(to="org-legal")
    declined = await cw.client.post(f"/referrals/{referral_id}/decline", json={"reason": "no_capacity"},
                                    headers=lawyer(cw))
    assert declined.status_code == 204
    read = (await cw.client.get(f"/referrals/{referral_id}", headers=cw.headers("case_manager"))).json()
    assert (read["status"], read["decline_reason"]) == ("declined", "no_capacity")


async def test_a_lawyer_of_another_organisation_cannot_see_or_decide_the_referral(cw):
    referral_id, _ = await cw.refer(to="org-legal")
    other = lawyer(cw, sub="lawyer-wildaf", org="org-wildaf")
    assert referral_id not in {r["id"] for r in await cw.listed("/referrals", other)}
    assert (await cw.client.get(f"/referrals/{referral_id}", headers=other)).status_code == 404
    accepted = await cw.client.post(f"/referrals/{referral_id}/accept", json={}, headers=other)
    declined = await cw.client.post(f"/referrals/{referral_id}/decline", json={"reason": "no_capacity"},
                                    headers=other)
    assert (accepted.status_code, declined.status_code) == (404, 404)
    still = await cw.client.get(f"/referrals/{referral_id}", headers=cw.headers("case_manager"))
    assert still.json()["status"] == "pending"


async def test_passing_a_referral_on_stays_with_case_managers(cw):
    referral_id, victim_id = await cw.refer(to="org-legal")
    await cw.deliver(cw.consent_event(victim_id, sharing=("org-legal", "org-wildaf")))
    moved = await cw.client.post(f"/referrals/{referral_id}/transfer", json={"organisation": "org-wildaf"},
                                 headers=lawyer(cw))
    assert moved.status_code == 403
