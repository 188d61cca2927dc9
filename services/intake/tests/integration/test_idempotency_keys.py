"""The one Idempotency-Key policy on every command endpoint of intake: the same key and body answer as the
first time and commit nothing more; the same key with another body is refused with 409 naming the header."""

from __future__ import annotations

from typing import Any

import pytest
from intake_support import PNG, incident_body, victim_body
from servicekit.ids import new_id

pytestmark = pytest.mark.integration

CONSENT = {"legal_support": True, "statistics": True, "sharing": ["org-legal"]}
# name: (method, path with {incident}/{victim}/{evidence}, body, another body)
COMMANDS: dict[str, tuple[str, str, dict[str, Any], dict[str, Any]]] = {
    "document an incident": ("POST", "/incidents", incident_body(region="gao"), incident_body(region="kidal")),
    "register a victim": ("POST", "/victims", victim_body(), victim_body(sex="male")),
    "correct an incident": ("PATCH", "/incidents/{incident}", {"cercle": "mopti/djenne"},
                            {"cercle": "mopti/tenenkou"}),
    "change its verification": ("POST", "/incidents/{incident}/verification",
                                {"status": "pending", "reason": "second source"},
                                {"status": "pending", "reason": "third source"}),
    "write its narrative": ("PUT", "/incidents/{incident}/narrative", {"narrative": "Premier récit"},
                            {"narrative": "Autre récit"}),
    "erase its narrative": ("POST", "/incidents/{incident}/narrative/erasure", {"reason": "consent_withdrawn"},
                            {"reason": "legal_request"}),
    "change a consent": ("PUT", "/victims/{victim}/consent", CONSENT, {**CONSENT, "statistics": False}),
    "refer a victim": ("POST", "/victims/{victim}/referrals",
                       {"needs": ["legal_advice"], "urgency": "low", "receiving_organisation": "org-legal"},
                       {"needs": ["legal_advice"], "urgency": "high", "receiving_organisation": "org-legal"}),
    "erase a victim": ("POST", "/victims/{victim}/erasure", {"reason": "consent_withdrawn"},
                       {"reason": "legal_request"}),
    "record a custody step": ("POST", "/evidence/{evidence}/custody", {"step": "copied", "to": "org-fidh"},
                              {"step": "copied", "to": "icc-otp"}),
}


async def records_of(client) -> dict[str, str]:
    """A victim, an incident naming her (with a narrative), and an evidence item, of the client's organisation."""
    victim = (await client.post("/victims", json=victim_body())).json()["id"]
    incident = (await client.post("/incidents", json=incident_body(
        narrative="Récit initial", acts=[{"violation_type": "torture", "victim_ids": [victim]}]))).json()["id"]
    evidence = (await client.post("/evidence", files={"file": ("p.png", PNG, "image/png")})).json()["id"]
    return {"victim": victim, "incident": incident, "evidence": evidence}


@pytest.mark.parametrize("command", list(COMMANDS))
async def test_a_command_retried_with_its_key_answers_as_the_first_time_and_another_body_is_a_409(intake, command):
    method, path, body, other = COMMANDS[command]
    headers = {"Idempotency-Key": f"key-{new_id()}"}
    async with intake.client("documentation_officer", org=f"org-keys-{new_id()[:8]}") as officer:
        url = path.format(**await records_of(officer))
        first = await officer.request(method, url, json=body, headers=headers)
        events = await intake.db["events"].count_documents({})
        again = await officer.request(method, url, json=body, headers=headers)
        reused = await officer.request(method, url, json=other, headers=headers)
    assert first.status_code < 300, first.text
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert reused.status_code == 409 and reused.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await intake.db["events"].count_documents({}) == events


async def test_an_import_retried_with_its_key_is_the_same_job_and_another_file_is_a_409(intake):
    headers = {"Idempotency-Key": f"key-{new_id()}"}
    text = "external_reference,occurred_on,region,violation_types\nKEY-1,2023-02-01,segou,pillage\n"

    async def upload(client, content: str):
        return await client.post("/incidents/imports", files={"file": ("i.csv", content.encode(), "text/csv")},
                                 headers=headers)

    async with intake.client("monitor", org=f"org-keys-{new_id()[:8]}") as monitor:
        first = await upload(monitor, text)
        again = await upload(monitor, text)
        reused = await upload(monitor, text.replace("KEY-1", "KEY-2"))
    assert first.status_code == again.status_code == 202 and again.json()["id"] == first.json()["id"]
    assert reused.status_code == 409 and reused.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await intake.db["import_jobs"].count_documents({"_id": first.json()["id"]}) == 1
