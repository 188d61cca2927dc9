"""The demo `make run` plays against the running services: testimony to courtroom, narrated.

A monitor documents incidents and registers a victim who consents to legal support and to SMS;
the victim is referred; a case manager accepts and a lawyer schedules a hearing; notify sends the
victim two SMS (through the local SMS sink); a partner's court-monitoring endpoint (the reference
webhook receiver) gets the hearing by signed webhook, without names; the lawyer reads the victim's name
through intake's key path; advocacy and education show what the coalition learns, small cells suppressed.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from servicekit.devtokens import mint_token

PORTS = {"intake": "8001", "casework": "8002", "advocacy": "8003", "education": "8004", "notify": "8005"}
# run.sh passes the ports it chose (INTAKE_HTTP_PORT ..., REDRESS_SMS_SINK_PORT).
URLS = {name: f"http://127.0.0.1:{os.environ.get(f'{name.upper()}_HTTP_PORT', port)}" for name, port in PORTS.items()}
URLS["sms"] = f"http://127.0.0.1:{os.environ.get('REDRESS_SMS_SINK_PORT', '8009')}"
BAMAKO = ZoneInfo("Africa/Bamako")


class Demo:
    """Clients per role, and the narration."""

    def __init__(self, key: Path) -> None:
        self.key = key

    def client(self, service: str, role: str, *, org: str = "org-amdh", sub: str | None = None) -> httpx.Client:
        token = mint_token(self.key, subject=sub or f"demo-{role}", roles=[role], org=org)
        return httpx.Client(base_url=URLS[service], headers={"Authorization": f"Bearer {token}"}, timeout=15)


def say(text: str) -> None:
    print(f"  - {text}", flush=True)


def ok(response: httpx.Response) -> Any:
    if response.status_code >= 300:
        raise RuntimeError(f"{response.request.method} {response.request.url.path}: {response.status_code} "
                           f"{response.text[:300]}")
    return response.json()


def eventually(check: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.5)
    raise RuntimeError(f"timed out waiting for {what}")


def received_by_partner(url: str) -> list[dict[str, Any]]:
    """What the reference receiver accepted so far (its journal outlives a run)."""
    return httpx.get(url.rsplit("/", 1)[0] + "/received", timeout=5).json()  # type: ignore[no-any-return]


def subscribe_partner(demo: Demo, url: str, secret: str) -> int:
    admin = demo.client("casework", "admin", org="org-legal")
    ok(admin.post("/webhooks/subscriptions", json={
        "url": url, "event_types": ["casework.hearing.scheduled.v1", "casework.hearing.rescheduled.v1"],
        "classifications": ["public", "internal"], "secret": secret}))
    say("an administrator of casework subscribed a court-monitoring partner's endpoint to hearings (webhook)")
    return len(received_by_partner(url))


def partner_received(url: str, before: int) -> None:
    record = eventually(lambda: received_by_partner(url)[before:], "the webhook")[0]
    event = record["event"]
    say(f"the partner's endpoint verified the signature of {event['type']} (webhook-id {record['webhook_id'][:8]}…) "
        f"and got the hearing's court and date, no name: {sorted(event['data'])}")


def document(demo: Demo) -> None:
    monitor = demo.client("intake", "monitor")
    for region, count in (("mopti", 7), ("segou", 6), ("gao", 2)):
        for _ in range(count):
            ok(monitor.post("/incidents", json={"occurred_on": "2024-03-02", "region": region,
                                                "violation_types": ["killings"]}))
    say("a monitor of org-amdh documented 15 incidents in Mopti, Ségou and Gao (intake)")


def register_and_refer(demo: Demo) -> tuple[str, str]:
    monitor = demo.client("intake", "monitor")
    now = datetime.now(BAMAKO)
    window = {"safe_hours_start": (now - timedelta(hours=1)).strftime("%H:%M"),
              "safe_hours_end": (now + timedelta(hours=3)).strftime("%H:%M")}
    victim = ok(monitor.post("/victims", json={
        "sex": "female", "age_band": "25-39", "region": "mopti",
        "identity": {"name": "Aïssata N'Diaye", "phone": "+223 76 00 00 01"},
        "consent": {"legal_support": True, "statistics": True, "sharing": ["org-legal"],
                    "notifications": {"granted": True, "channel": "sms", "language": "fr", **window}}}))
    say(f"a victim was registered as {victim['id'][:8]}…: her name and phone are encrypted under her own key")
    referral = ok(monitor.post(f"/victims/{victim['id']}/referrals", json={
        "needs": ["legal_representation"], "urgency": "high", "receiving_organisation": "org-legal"}))
    say("with her consent to legal support and to share her file with org-legal, she was referred to it")
    return victim["id"], referral["referral_id"]


def open_case(demo: Demo, victim_id: str, referral_id: str) -> str:
    manager = demo.client("casework", "case_manager", org="org-legal")
    eventually(lambda: manager.get(f"/referrals/{referral_id}").status_code == 200, "the referral in casework")
    case = ok(manager.post(f"/referrals/{referral_id}/accept", json={"lawyers": ["demo-lawyer"]}))
    say("the referral reached casework's inbox over Kafka; a case manager accepted it and opened a case")
    lawyer = demo.client("casework", "lawyer", org="org-legal", sub="demo-lawyer")
    starts_at = (datetime.now(BAMAKO) + timedelta(days=10)).replace(hour=9, minute=30, second=0, microsecond=0)
    ok(lawyer.post(f"/cases/{case['case_id']}/hearings", json={
        "court": "ml-tgi-bamako-c1", "starts_at": starts_at.isoformat(), "purpose": "civil_party_hearing"}))
    say(f"the lawyer scheduled a hearing on {starts_at:%d %B %Y at %H:%M} (Bamako)")
    name = eventually(lambda: lawyer.get(f"/cases/{case['case_id']}/victims/{victim_id}/name"), "the name")
    if name.status_code == 200:
        say("the assigned lawyer read the victim's name through intake's audited, consent-checked key release")
    monitor = demo.client("intake", "monitor")
    answer = eventually(lambda: [s for s in monitor.get(f"/victims/{victim_id}/referrals").json() if s["case_opened"]],
                        "the answer in intake")
    say(f"back in intake, the monitor sees the referral {answer[0]['status']} by {answer[0]['decided_by']}")
    return case["case_id"]


def notifications(demo: Demo, victim_id: str) -> None:
    sms = httpx.Client(base_url=URLS["sms"], timeout=5)
    received = eventually(lambda: len(sms.get("/messages").json()) >= 2 and sms.get("/messages").json(), "the SMS")
    for message in received[:2]:
        say(f"SMS to {message['to']}: “{message['body']}”")
    admin = demo.client("notify", "notify_admin", org="org-legal")
    statuses = [(d["kind"], d["status"]) for d in ok(admin.get(f"/victims/{victim_id}/deliveries"))["deliveries"]]
    say(f"notify's delivery history (no content, no number on the bus): {sorted(statuses)}")


def indicators(demo: Demo) -> None:
    analyst = demo.client("advocacy", "analyst")
    body = eventually(lambda: (b := analyst.get("/indicators/incidents-by-region").json())
                      and isinstance(b, dict) and len(b.get("labels", [])) >= 3 and b, "the indicators")
    counts = dict(zip(body["labels"], body["values"], strict=False))
    say(f"advocacy counted incidents by region from the events: {counts}, total {body['total']} "
        "(cells below 5 leave only as '<5', and 'x' hides a cell that would reveal one)")
    educator = demo.client("education", "educator")
    ok(educator.post("/sessions", json={
        "held_on": "2024-05-20", "region": "gao", "venue": "radio", "topics": ["victims_rights"],
        "audience": [{"sex": "female", "age_band": "18_24", "count": 40}, {"sex": "male", "age_band": "15_17",
                                                                           "count": 25}]}))
    say("an educator recorded a radio session in Gao that reached 65 young people (no names)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keys", type=Path, required=True, help="dev signing key (PEM)")
    parser.add_argument("--webhook-secret-file", type=Path, required=True, help="the partner endpoint's secret")
    parser.add_argument("--webhook-url", required=True, help="the reference receiver's URL")
    args = parser.parse_args()
    demo = Demo(args.keys)
    print("Demo: from testimony to the courtroom", flush=True)
    before = subscribe_partner(demo, args.webhook_url, args.webhook_secret_file.read_text().strip())
    document(demo)
    victim_id, referral_id = register_and_refer(demo)
    open_case(demo, victim_id, referral_id)
    partner_received(args.webhook_url, before)
    notifications(demo, victim_id)
    indicators(demo)


if __name__ == "__main__":
    main()
