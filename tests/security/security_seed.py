"""Real records for the fuzzer to aim at, so generated requests reach handlers with existing state.

Random path ids mostly meet 404. With real ones (a victim, an incident, a referral, the case it
opened, a hearing), fuzzed bodies hit the domain rules of live aggregates. The records belong to the
principals the fuzzer uses (`<role>-1` of org-amdh, lawyers and case managers of org-legal, see
security_access.bearer_headers), so the object-level rules let them through.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

FUZZ_LAWYER = "lawyer-1"


def _created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, f"{response.request.url.path}: {response.status_code} {response.text[:300]}"
    return response.json()  # type: ignore[no-any-return]


def seed_records(system: Any, timeout: float = 60.0) -> dict[str, dict[str, str]]:
    """Per service, path parameter name -> the id of a real record the fuzzing principals may reach."""
    with system.client("intake", "monitor", org="org-amdh") as monitor:
        victim = _created(monitor.post("/victims", json={
            "sex": "female", "age_band": "18-24", "region": "segou",
            "consent": {"legal_support": True, "sharing": ["org-legal"]}}))["id"]
        incident = _created(monitor.post("/incidents", json={
            "occurred_on": "2022-06-01", "region": "segou", "violation_types": ["pillage"],
            "acts": [{"violation_type": "pillage", "victim_ids": [victim]}]}))["id"]
        referral = _created(monitor.post(f"/victims/{victim}/referrals", json={
            "needs": ["legal_advice"], "urgency": "low", "receiving_organisation": "org-legal"}))["referral_id"]
    with system.client("casework", "case_manager", org="org-legal") as manager:
        deadline = time.monotonic() + timeout
        while manager.get(f"/referrals/{referral}").status_code != 200:
            assert time.monotonic() < deadline, "the referral did not reach casework"
            time.sleep(0.5)
        case = _created(manager.post(f"/referrals/{referral}/accept", json={"lawyers": [FUZZ_LAWYER]}))["case_id"]
        starts_at = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0).isoformat()
        hearing = _created(manager.post(f"/cases/{case}/hearings", json={
            "court": "ml-tgi-bamako-c1", "starts_at": starts_at, "purpose": "civil_party_hearing"}))
    return {
        "intake": {"victim_id": victim, "incident_id": incident},
        "casework": {"case_id": case, "referral_id": referral, "hearing_id": hearing["id"], "victim_id": victim,
                     "lawyer_id": FUZZ_LAWYER, "court": "ml-tgi-bamako-c1"},
        "notify": {"victim_id": victim},
        "advocacy": {},
        "education": {},
    }


def victim_with_case(system: Any, *, tag: str, identity: dict[str, Any], consent: dict[str, Any],
                     timeout: float = 60.0) -> dict[str, str]:
    """A victim of org-amdh, referred to and accepted by org-legal, with `lawyer-<tag>` assigned to the case."""
    consent = {**consent, "sharing": sorted({*consent.get("sharing", []), "org-legal"})}
    with system.client("intake", "monitor", org="org-amdh", sub=f"monitor-{tag}") as monitor:
        victim = _created(monitor.post("/victims", json={
            "sex": "female", "age_band": "18-24", "region": "mopti", "identity": identity, "consent": consent}))["id"]
        referral = _created(monitor.post(f"/victims/{victim}/referrals", json={
            "needs": ["legal_advice"], "urgency": "low", "receiving_organisation": "org-legal"}))["referral_id"]
    with system.client("casework", "case_manager", org="org-legal", sub=f"manager-{tag}") as manager:
        deadline = time.monotonic() + timeout
        while manager.get(f"/referrals/{referral}").status_code != 200:
            assert time.monotonic() < deadline, "the referral did not reach casework"
            time.sleep(0.5)
        case = _created(manager.post(f"/referrals/{referral}/accept", json={"lawyers": [f"lawyer-{tag}"]}))["case_id"]
    return {"victim_id": victim, "case_id": case, "referral_id": referral}
