"""The load of the fault suite: flows offered at a steady rate by clients that behave as a careful partner's.

A flow: a monitor registers a victim (phone, consent) and refers her, a case manager accepts the
referral, a lawyer schedules a hearing. Clients honour `Retry-After`, retry a refused or unanswered
request, send an `Idempotency-Key` where the API takes one, and look before repeating a write that
has none (a hearing).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from faultsystem import BAMAKO, REQUEST_PATIENCE, FaultSystem, safe_hours_now
from servicekit.testing import eventually_sync


@dataclass
class Flow:
    """One victim from registration to her hearing notice, as the clients saw it."""

    index: int
    phone: str
    victim_id: str | None = None
    referral_id: str | None = None
    case_id: str | None = None
    hearing_id: str | None = None
    started: float = 0.0
    in_inbox: float | None = None
    done: float | None = None
    error: str | None = None


class Load:
    """Flows offered at a steady rate by a few client threads."""

    def __init__(self, system: FaultSystem, run: str) -> None:
        self.system = system
        self.run = run
        self.flows: list[Flow] = []
        self.monitor = system.client("intake", "monitor", "org-amdh")
        self.manager = system.client("casework", "case_manager", "org-legal")
        self.lawyer = system.client("casework", "lawyer", "org-legal", sub="lawyer-faults")

    def offer(self, count: int, rate: float, during: Callable[[], None] | None = None, threads: int = 6) -> None:
        """Start `count` flows at `rate` per second; `during` runs alongside (the fault); waits for all."""
        with ThreadPoolExecutor(max_workers=threads) as pool:
            fault = threading.Thread(target=during) if during else None
            if fault:
                fault.start()
            futures = []
            for _ in range(count):
                flow = Flow(index=len(self.flows), phone=f"+2237{hash((self.run, len(self.flows))) % 10**7:07d}")
                self.flows.append(flow)
                futures.append(pool.submit(self.play, flow))
                time.sleep(1.0 / rate)
            for future in futures:
                future.result()
            if fault:
                fault.join()

    def play(self, flow: Flow) -> None:
        flow.started = time.monotonic()
        try:
            self._register_and_refer(flow)
            self._accept(flow)
            self._schedule(flow)
            flow.done = time.monotonic()
        except Exception as exc:
            flow.error = f"{type(exc).__name__}: {exc}"

    def _register_and_refer(self, flow: Flow) -> None:
        s, key = self.system, f"{self.run}-{flow.index}"
        victim = s.call(self.monitor, "POST", "/victims", headers={"Idempotency-Key": f"{key}-victim"}, json={
            "sex": "female", "age_band": "25-39", "region": "mopti", "identity": {"phone": flow.phone},
            "consent": {"legal_support": True, "sharing": ["org-legal"],
                        "notifications": {"granted": True, "channel": "sms", "language": "fr", **safe_hours_now()}}})
        assert victim.status_code in (200, 201), victim.text
        flow.victim_id = victim.json()["id"]
        referral = s.call(self.monitor, "POST", f"/victims/{flow.victim_id}/referrals",
                          headers={"Idempotency-Key": f"{key}-referral"},
                          json={"needs": ["legal_representation"], "urgency": "high",
                                "receiving_organisation": "org-legal"})
        assert referral.status_code in (200, 201), referral.text
        flow.referral_id = referral.json()["referral_id"]

    def _accept(self, flow: Flow) -> None:
        s = self.system
        eventually_sync(lambda: s.call(self.manager, "GET", f"/referrals/{flow.referral_id}").status_code == 200,
                        "referral in casework's inbox", REQUEST_PATIENCE, interval=0.3)
        flow.in_inbox = time.monotonic()
        accepted = s.call(self.manager, "POST", f"/referrals/{flow.referral_id}/accept",
                          json={"lawyers": ["lawyer-faults"]})
        if accepted.status_code == 409:  # our earlier attempt got through: read the case it opened
            accepted = s.call(self.manager, "GET", f"/referrals/{flow.referral_id}")
        assert accepted.status_code in (200, 201), accepted.text
        flow.case_id = accepted.json()["case_id"]

    def _schedule(self, flow: Flow) -> None:
        s = self.system
        starts_at = (datetime.now(BAMAKO) + timedelta(days=10)).replace(second=0, microsecond=0)
        deadline = time.monotonic() + REQUEST_PATIENCE
        while time.monotonic() < deadline:
            listed = s.call(self.lawyer, "GET", f"/cases/{flow.case_id}/hearings")
            if listed.status_code == 404:  # an acceptance cut between its two writes: casework's worker opens it
                time.sleep(1.0)
                continue
            existing = listed.json()["items"]
            if existing:  # no Idempotency-Key on this route: look before repeating an unanswered write
                flow.hearing_id = existing[0]["id"]
                return
            try:
                created = self.lawyer.post(f"/cases/{flow.case_id}/hearings", json={
                    "court": "ml-tgi-bamako-c1", "starts_at": starts_at.isoformat(),
                    "purpose": "civil_party_hearing"})
                s.count(str(created.status_code))
                if created.status_code == 201:
                    flow.hearing_id = created.json()["id"]
                    return
            except httpx.TransportError as exc:
                s.count(type(exc).__name__)
            time.sleep(1.0)
        raise TimeoutError("hearing not scheduled")


