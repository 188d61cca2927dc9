"""End to end through real processes: incidents documented in intake make a region a priority for education,
and the sessions educators hold reach advocacy's reach-against-density figure.

Other system tests share these services, so everything here happens in 2012, a period only this test uses.
"""

from __future__ import annotations

import httpx
import pytest
from servicekit.testing import eventually

pytestmark = pytest.mark.integration

PERIOD = {"period_start": "2012-01-01", "period_end": "2012-12-31"}


def client(system, service: str, role: str, org: str = "org-amdh") -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=system.url(service), timeout=20.0,
                             headers={"Authorization": f"Bearer {system.token(role, org=org)}"})


async def document_incidents(system, region: str, count: int) -> None:
    async with client(system, "intake", "monitor") as intake:
        for n in range(count):
            response = await intake.post("/incidents", json={
                "occurred_on": f"2012-0{1 + n % 9}-10", "region": region, "violation_types": ["abduction"]})
            assert response.status_code == 201, response.text


async def hold_session(system, region: str, youth: int) -> None:
    async with client(system, "education", "educator", org="org-edu") as education:
        response = await education.post("/sessions", json={
            "held_on": "2012-11-20", "region": region, "venue": "radio", "topics": ["victims_rights"],
            "audience": [{"sex": "female", "age_band": "18_24", "count": youth},
                         {"sex": "male", "age_band": "25_plus", "count": 3}]})
        assert response.status_code == 201, response.text


async def test_documented_incidents_set_priorities_and_sessions_reach_advocacy(system):
    await document_incidents(system, "taoudenit", 8)
    await document_incidents(system, "menaka", 6)
    await hold_session(system, "menaka", 40)

    async def priorities() -> list[dict]:
        async with client(system, "education", "analyst") as analyst:
            body = (await analyst.get("/priority-regions", params=PERIOD)).json()
        regions = {r["region"]: r for r in body["regions"]}
        return body["regions"] if regions["taoudenit"]["documented_incidents"] == 8 \
            and regions["menaka"]["documented_incidents"] == 6 else []

    ranked = await eventually(priorities)
    assert [r["region"] for r in ranked[:2]] == ["taoudenit", "menaka"]
    assert ranked[0]["priority"] and ranked[0]["youth_reached"] == 0

    async def reach_counted() -> dict:
        async with client(system, "advocacy", "analyst") as analyst:
            body = (await analyst.get("/indicators/education-reach-vs-incidents", params=PERIOD)).json()
        regions = {r["region"]: r for r in body["regions"]}
        return regions if regions.get("menaka", {}).get("youth_reached") == 40 else {}

    regions = await eventually(reach_counted)
    assert regions["taoudenit"]["rank"] == 1
    assert regions["menaka"]["documented_violations"] == 6
    assert regions["menaka"]["violations_per_youth_reached"] == round(6 / 41, 4)
