"""The kit's in-process harness: a service going down and up on the same store and topics, a port replaced."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from education.projections import INCIDENT_FACTS
from servicekit.envelope import Envelope
from servicekit.ids import new_id
from servicekit.testing import FakeClock, InProcessService, in_process_service

pytestmark = pytest.mark.integration

TODAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def incident(service: InProcessService, region: str = "mopti") -> Envelope:
    return service.event("intake.incident.documented.v1", new_id(), {
        "organisation": "org-amdh", "occurred_on": "2018-02-01", "region": region, "violation_types": ["killing"],
        "acts": [{"violation_type": "killing", "victim_ids": [new_id()], "perpetrators": []}]})


async def facts_of(service: InProcessService) -> set[str]:
    return {doc["subject"] async for doc in service.deps.core.db[INCIDENT_FACTS].find({})}


async def test_a_worker_started_later_consumes_what_waited_and_again_after_a_restart(infra, tmp_path):
    async with in_process_service("education", infra, tmp_path / "keys", worker=False) as education:
        first, second = incident(education), incident(education)
        waited = await education.publish("intake.incidents", first)
        await education.start_worker()
        await education.wait_consumed([waited])
        await education.stop_worker()
        later = await education.publish("intake.incidents", second)
        with pytest.raises(AssertionError, match="not running"):
            await education.wait_consumed([later], timeout=5)
        await education.start_worker()
        await education.wait_consumed([later])
        assert await facts_of(education) == {first.subject, second.subject}


async def test_a_replaced_port_is_what_the_app_and_a_second_instance_use_with_the_tests_clock(infra, tmp_path):
    clock = FakeClock(TODAY)
    seen_clocks = []

    def no_suppression(deps):
        seen_clocks.append(deps.core.clock)
        return dataclasses.replace(deps, suppression_k=1)

    async with in_process_service("education", infra, tmp_path / "keys", clock=clock,
                                  replace_deps=no_suppression) as education:
        records = [await education.publish("intake.incidents", incident(education, "kidal")) for _ in range(2)]
        await education.wait_consumed(records)
        async with education.client("educator", org="org-edu-f") as educator:
            body = (await educator.get("/priority-regions", params={"period_start": "2018-01-01",
                                                                    "period_end": "2018-12-31"})).json()
        second = education.another_deps()
        await second.core.client.close()
    assert {r["region"]: r for r in body["regions"]}["kidal"]["documented_incidents"] == 2
    assert second.suppression_k == 1 and seen_clocks == [clock, clock]
