"""What became of every flow, counted through the services' APIs only."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from faultload import Flow
from faultsystem import FaultSystem


def notify_view(system: FaultSystem, flows: list[Flow]) -> dict[str, list[dict[str, Any]]]:
    """Each victim's deliveries as notify's staff API shows them."""
    admin = system.client("notify", "notify_admin", "org-legal")
    return {f.victim_id: system.call(admin, "GET", f"/victims/{f.victim_id}/deliveries").json()["items"]
            for f in flows if f.victim_id}


def settle_notices(system: FaultSystem, flows: list[Flow], timeout: float = 240.0) -> dict[str, Any]:
    """Wait until each victim's two notices are out (or unknown); staff send again what is unknown and undelivered.

    Returns figures: how many deliveries ended unknown, were settled by a provider report, or sent again.
    """
    figures = {"unknown": 0, "settled_by_report": 0, "sent_again": 0}
    admin = system.client("notify", "notify_admin", "org-legal")
    deadline = time.monotonic() + timeout
    while True:
        view = notify_view(system, flows)
        notices = [d for ds in view.values() for d in ds if d["kind"] in ("referral_accepted", "hearing_scheduled")]
        waiting = [d for d in notices if d["status"] in ("pending", "dispatching")]
        if len(notices) >= 2 * len(flows) and not waiting:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(waiting)} notices still pending, {len(notices)} of {2 * len(flows)} planned")
        time.sleep(1.0)
    unknown = [d for d in notices if d["status"] == "unknown"]
    figures["unknown"] = len(unknown)
    if unknown:
        system.report_deliveries()  # the provider's delivery reports reach notify
        time.sleep(6)  # two reconciliation passes
        still = system.call(admin, "GET", "/deliveries", params={"status": "unknown", "limit": 200}).json()["items"]
        figures["settled_by_report"] = len(unknown) - len(still)
        for delivery in still:
            answer = system.call(admin, "POST", f"/deliveries/{delivery['id']}/send-again",
                                 json={"reason": "no_report_from_provider"})
            assert answer.status_code in (200, 202), answer.text
            figures["sent_again"] += 1
    return figures


def count_everything(system: FaultSystem, flows: list[Flow]) -> dict[str, Any]:
    """What each service holds for the flows, through its API: every count must be exactly one per flow."""
    monitor = system.client("intake", "monitor", "org-amdh")
    lawyer = system.client("casework", "lawyer", "org-legal", sub="lawyer-faults")
    view = notify_view(system, flows)
    per_flow = []
    for f in flows:
        hearings = system.call(lawyer, "GET", f"/cases/{f.case_id}/hearings").json()["items"] if f.case_id else []
        kinds = Counter(d["kind"] for d in view.get(f.victim_id or "", []) if d["status"] in ("sent", "delivered"))
        per_flow.append({
            "victim": system.call(monitor, "GET", f"/victims/{f.victim_id}").status_code if f.victim_id else None,
            "hearings": len(hearings), "referral_notices": kinds["referral_accepted"],
            "hearing_notices": kinds["hearing_scheduled"], "sms": system.sms_count(f.phone)})
    return {"flows": len(flows), "completed": sum(1 for f in flows if f.done),
            "errors": [f.error for f in flows if f.error], "per_flow": per_flow}


def exactly_once(counts: dict[str, Any]) -> list[dict[str, Any]]:
    """The flows for which something was lost or doubled (empty when all is well)."""
    expected = {"victim": 200, "hearings": 1, "referral_notices": 1, "hearing_notices": 1, "sms": 2}
    return [c for c in counts["per_flow"] if c != expected]


