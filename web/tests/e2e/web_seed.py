"""What the desks' journeys start from, put in place through the services' APIs (dev tokens), and waits."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

BAMAKO = ZoneInfo("Africa/Bamako")
# Subjects of the demo realm's users (docs/identity.md), fixed by the realm file.
SUBJECTS = {"fatoumata": "cc183187-d850-54dd-b249-bbd867f00f62", "ibrahim": "7f837ce8-33ab-53fe-b637-433043b632c7",
            "kadiatou": "b9a60a16-a396-535d-8eff-8ad76725d2e7", "admin": "12b7e7ce-b3d5-5749-ba27-decd7e746b6d"}


async def until(probe: Callable[[], Any], timeout: float = 45.0) -> Any:
    """Poll `probe` until it returns something truthy, without holding the event loop; fail at the deadline."""
    deadline = time.monotonic() + timeout
    while not (result := probe()):
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.3)
    return result


def key() -> dict[str, str]:
    return {"Idempotency-Key": f"e2e-{uuid.uuid4().hex}"}


def wide_safe_hours() -> dict[str, str]:
    """A safe window around now (Bamako time), so messages go out whatever the hour of the run."""
    now = datetime.now(BAMAKO)
    return {"safe_hours_start": (now - timedelta(hours=1)).strftime("%H:%M"),
            "safe_hours_end": (now + timedelta(hours=3)).strftime("%H:%M")}


def mali_phone() -> str:
    """A Malian mobile number of its own for one journey."""
    digits = f"{random.randrange(10**6):06d}"
    return f"+223 76 {digits[:2]} {digits[2:4]} {digits[4:]}"


def referred_victim(system: Any, name: str, phone: str, sharing: tuple[str, ...] = ("org-legal",)) -> dict[str, str]:
    """A victim a monitor registered (name, phone, consent to legal support and to SMS) and referred."""
    monitor = system.client("intake", "monitor", org="org-amdh")
    victim = monitor.post("/victims", headers=key(), json={
        "sex": "female", "age_band": "25-39", "region": "mopti", "identity": {"name": name, "phone": phone},
        "consent": {"legal_support": True, "statistics": True, "sharing": list(sharing),
                    "notifications": {"granted": True, "channel": "sms", "language": "fr", **wide_safe_hours()}}})
    assert victim.status_code == 201, victim.text
    victim_id = victim.json()["id"]
    referral = monitor.post(f"/victims/{victim_id}/referrals", headers=key(),
                            json={"needs": ["legal_representation"], "urgency": "high",
                                  "receiving_organisation": "org-legal"})
    assert referral.status_code == 201, referral.text
    return {"victim_id": victim_id, "referral_id": referral.json()["referral_id"]}


def sms_to(gateway: Any, phone: str) -> list[str]:
    """The messages the gateway received for one number."""
    digits = phone.replace(" ", "")
    return [m.message for m in gateway.messages() if m.to.replace(" ", "") == digits]


async def case_for_fatoumata(system: Any, referral: dict[str, str]) -> str:
    """The referral, once in casework, accepted by org-legal's case manager into a case for fatoumata."""
    manager = system.client("casework", "case_manager", org="org-legal")
    await until(lambda: manager.get(f"/referrals/{referral['referral_id']}").status_code == 200)
    accepted = manager.post(f"/referrals/{referral['referral_id']}/accept", json={"lawyers": [SUBJECTS["fatoumata"]]})
    assert accepted.status_code == 201, accepted.text
    return str(accepted.json()["case_id"])


def one_incident_in(system: Any, region: str, occurred_on: str = "2021-06-02") -> None:
    """A single incident a monitor documented in `region` (advocacy and education count it from intake's events)."""
    monitor = system.client("intake", "monitor", org="org-amdh")
    response = monitor.post("/incidents", headers=key(), json={
        "occurred_on": occurred_on, "region": region, "external_reference": f"E2E-{uuid.uuid4().hex[:8]}",
        "acts": [{"violation_type": "torture", "perpetrators": [
            {"category": "community_militias", "involvement": "carried_out"}]}],
        "sources": [{"kind": "witness_testimony", "reliability": "B", "credibility": "2"}]})
    assert response.status_code == 201, response.text
