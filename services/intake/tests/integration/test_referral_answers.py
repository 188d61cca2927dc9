"""Intake's worker consumes casework's answers from the real broker; the referring organisation sees them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from intake_support import random_kek, victim_body
from servicekit.testing import InProcessService, in_process_service

pytestmark = pytest.mark.integration
CASES = "casework.cases"


@pytest.fixture
async def intake(infra, tmp_path) -> AsyncIterator[InProcessService]:
    async with in_process_service("intake", infra, tmp_path / "keys", kek_source=random_kek()) as service:
        yield service
        await service.deps.core.client.drop_database(service.settings.database_name)


async def referred(intake: InProcessService, *, sharing: list[str]) -> tuple[str, str]:
    body = victim_body()
    body["consent"]["sharing"] = sharing
    async with intake.client("monitor") as monitor:
        victim_id = (await monitor.post("/victims", json=body)).json()["id"]
        referral = await monitor.post(f"/victims/{victim_id}/referrals", json={
            "needs": ["legal_representation"], "urgency": "high", "receiving_organisation": sharing[0]})
    assert referral.status_code == 201, referral.text
    return victim_id, referral.json()["referral_id"]


async def statuses(intake: InProcessService, victim_id: str, org: str = "org-amdh") -> list[dict]:
    async with intake.client("monitor", org=org) as monitor:
        response = await monitor.get(f"/victims/{victim_id}/referrals")
    return response.json() if response.status_code == 200 else [{"http": response.status_code}]


async def test_the_referring_organisation_sees_a_referral_passed_on_then_accepted_with_its_case(intake):
    victim_id, referral_id = await referred(intake, sharing=["org-legal", "org-wildaf"])
    [pending] = await statuses(intake, victim_id)
    assert (pending["status"], pending["receiving_organisation"]) == ("pending", "org-legal")
    event = intake.event
    await intake.publish_twice(CASES, event("casework.referral.transferred.v1", referral_id, {
        "referral_id": referral_id, "victim_id": victim_id, "from_organisation": "org-legal",
        "to_organisation": "org-wildaf"}))
    await intake.publish_twice(CASES, event("casework.referral.accepted.v1", referral_id, {
        "referral_id": referral_id, "victim_id": victim_id, "case_id": "case-1", "organisation": "org-wildaf",
        "lawyers": ["lawyer-w"], "court": None}))
    await intake.publish_twice(CASES, event("casework.case.opened.v1", "case-1", {
        "case_id": "case-1", "referral_id": referral_id, "organisation": "org-wildaf", "victim_ids": [victim_id],
        "incident_ids": [], "lawyers": ["lawyer-w"], "stage": "referral_accepted", "opened_on": "2026-03-02"}))

    async def opened() -> bool:
        # The answers travel keyed by referral and by case, so on two partitions: either may land first.
        [status] = await statuses(intake, victim_id)
        return bool(status["case_opened"]) and status["status"] == "accepted"

    await intake.eventually(opened)
    [status] = await statuses(intake, victim_id)
    assert (status["status"], status["decided_by"], status["case_id"]) == ("accepted", "org-wildaf", "case-1")
    assert (status["receiving_organisation"], status["passed_on_by"]) == ("org-wildaf", ["org-legal"])
    assert await intake.deps.core.db["referral_answers"].count_documents({"referral_id": referral_id}) == 3
    reads = await intake.deps.core.audit.query(resource_id=referral_id)
    assert reads and {(e.action, e.owner_organisation) for e in reads} == {("referral.status_read", "org-amdh")}


async def test_the_organisations_listing_shows_a_declined_referral_with_its_reason_code(intake):
    victim_id, referral_id = await referred(intake, sharing=["org-legal"])
    await intake.publish_twice(CASES, intake.event("casework.referral.declined.v1", referral_id, {
        "referral_id": referral_id, "victim_id": victim_id, "organisation": "org-legal", "reason": "no_capacity"}))

    async def declined() -> list[dict]:
        async with intake.client("documentation_officer") as officer:
            return (await officer.get("/referrals", params={"status": "declined"})).json()["items"]

    await intake.eventually(declined)
    [status] = await declined()
    assert (status["referral_id"], status["decided_by"], status["decline_reason"]) == (
        referral_id, "org-legal", "no_capacity")


async def test_another_organisation_does_not_see_the_referrals_answers(intake):
    victim_id, _ = await referred(intake, sharing=["org-legal"])
    assert await statuses(intake, victim_id, org="org-fidh") == [{"http": 404}]
    async with intake.client("monitor", org="org-fidh") as other:
        assert (await other.get("/referrals")).json() == {"items": [], "next_cursor": None}


async def test_the_referring_organisation_sees_its_victim_leave_a_collective_case(intake):
    victim_id, referral_id = await referred(intake, sharing=["org-legal"])
    await intake.publish_twice(CASES, intake.event("casework.referral.accepted.v1", referral_id, {
        "referral_id": referral_id, "victim_id": victim_id, "case_id": "case-7", "organisation": "org-legal",
        "lawyers": ["lawyer-l"], "court": None}))
    await intake.publish_twice(CASES, intake.event("casework.case.victim_joined.v1", "case-7", {
        "case_id": "case-7", "victim_id": victim_id, "referral_id": referral_id}))
    await intake.publish_twice(CASES, intake.event("casework.case.victim_removed.v1", "case-7", {
        "case_id": "case-7", "victim_id": victim_id, "referral_id": referral_id, "reason": "consent_withdrawn"}))

    async def left() -> bool:
        [status] = await statuses(intake, victim_id)
        return bool(status["left_case"])

    await intake.eventually(left)
    [status] = await statuses(intake, victim_id)
    assert (status["status"], status["case_id"], status["decided_by"]) == ("joined_case", "case-7", "org-legal")
