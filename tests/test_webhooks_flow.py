"""Partners without Kafka: a flow's events reach the reference receiver as subscribed, and nothing else.

Intake and casework run as real processes on the real broker and store; the receiver is the reference
one in deploy/local/ (signature, timestamp and replay checks), run as its own process.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import security_canary as canary
from servicekit.testing import eventually_sync
from servicekit.webhooks import sign
from webhook_support import Receiver

pytestmark = pytest.mark.integration
FAST = {"WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true", "WEBHOOK_RETRY_BASE_SECONDS": "0.2",
        "WEBHOOK_RETRY_MAX_DELAY_SECONDS": "1.0", "WEBHOOK_POLL_INTERVAL_SECONDS": "0.1"}
HEARING_TYPES = ["casework.hearing.scheduled.v1", "casework.hearing.rescheduled.v1"]


def ok(response: httpx.Response, status: int) -> Any:
    assert response.status_code == status, f"{response.request.url.path}: {response.status_code} {response.text[:300]}"
    return response.json() if response.content else None


@pytest.fixture(scope="module")
def webhook_system(system_starter, infra, tmp_path_factory) -> Iterator[Any]:
    """Intake and casework whose webhooks may reach the loopback receiver, retrying quickly."""
    services = ("intake", "casework")
    extra = {s: {f"{s.upper()}_{k}": v for k, v in FAST.items()} for s in services}
    system = system_starter(infra, services, tmp_path_factory.mktemp("webhooks"), extra)
    yield system
    for proc in system.processes.values():
        proc.stop()


def open_case(system: Any, identity: dict[str, Any]) -> str:
    """A victim (with a canary identity) referred in intake and accepted in casework: the case id."""
    monitor = system.client("intake", "monitor", org="org-amdh")
    victim_id = ok(monitor.post("/victims", json={
        "sex": "female", "age_band": "25-39", "region": "mopti", "identity": identity,
        "consent": {"legal_support": True, "sharing": ["org-legal"]}}), 201)["id"]
    texts = canary.incident_texts(identity)
    ok(monitor.post("/incidents", json={
        "occurred_on": "2024-03-02", "region": "mopti", "violation_types": ["killings"],
        "acts": [{"violation_type": "killings", "victim_ids": [victim_id]}],
        "sources": [{"kind": "victim_testimony", "reliability": "B"}], "narrative": texts["narrative"]}), 201)
    referral_id = ok(monitor.post(f"/victims/{victim_id}/referrals", json={
        "needs": ["legal_representation"], "urgency": "high", "receiving_organisation": "org-legal"}),
        201)["referral_id"]
    manager = system.client("casework", "case_manager", org="org-legal")
    eventually_sync(lambda: manager.get(f"/referrals/{referral_id}").status_code == 200, "the referral in casework")
    return ok(manager.post(f"/referrals/{referral_id}/accept", json={"lawyers": ["lawyer-wh"]}),  # type: ignore[no-any-return]
              201)["case_id"]


def schedule(system: Any, case_id: str, days: int) -> str:
    lawyer = system.client("casework", "lawyer", org="org-legal", sub="lawyer-wh")
    starts_at = (datetime.now(UTC) + timedelta(days=days)).replace(hour=9, minute=30, second=0, microsecond=0)
    return ok(lawyer.post(f"/cases/{case_id}/hearings", json={  # type: ignore[no-any-return]
        "court": "ml-tgi-bamako-c1", "starts_at": starts_at.isoformat(), "purpose": "civil_party_hearing"}),
        201)["id"]


def reschedule(system: Any, hearing_id: str, days: int) -> None:
    lawyer = system.client("casework", "lawyer", org="org-legal", sub="lawyer-wh")
    starts_at = (datetime.now(UTC) + timedelta(days=days)).replace(hour=10, minute=0, second=0, microsecond=0)
    ok(lawyer.post(f"/hearings/{hearing_id}/reschedule", json={"starts_at": starts_at.isoformat(),
                                                                "reason": "judge_absent"}), 200)


def subscribe(system: Any, service: str, receiver: Receiver, event_types: list[str]) -> httpx.Response:
    admin = system.client(service, "admin", org=None)
    return admin.post("/webhooks/subscriptions", json={
        "url": receiver.url, "event_types": event_types, "classifications": ["public", "internal"],
        "secret": receiver.secret})


def test_confidential_event_types_cannot_be_subscribed(webhook_system, tmp_path):
    refused = subscribe(webhook_system, "casework", Receiver(tmp_path / "none.jsonl"),
                        ["casework.referral.accepted.v1", *HEARING_TYPES])
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "event_types"
    assert refused.json()["code"] == "webhook_confidential_event"


def test_a_flow_reaches_the_receiver_exactly_as_subscribed_without_pii(webhook_system, tmp_path):
    hearings = Receiver(tmp_path / "casework.jsonl").start()
    documentation = Receiver(tmp_path / "intake.jsonl").start()
    try:
        ok(subscribe(webhook_system, "casework", hearings, HEARING_TYPES), 201)
        admin = webhook_system.client("intake", "admin", org=None)
        offered = ok(admin.get("/webhooks/event-types"), 200)
        ok(subscribe(webhook_system, "intake", documentation,
                     [t["type"] for t in offered if t["subscribable"]]), 201)
        identity = canary.canary_identity()
        case_id = open_case(webhook_system, identity)
        hearing_id = schedule(webhook_system, case_id, days=10)
        reschedule(webhook_system, hearing_id, days=17)
        got = eventually_sync(lambda: len(hearings.received()) >= 2 and hearings.received(), "two hearing events")
        intake_got = eventually_sync(lambda: documentation.received(), "intake's events")
        time.sleep(2.0)  # anything that should not come has had time to come
        got, intake_got = hearings.received(), documentation.received()
    finally:
        hearings.stop()
        documentation.stop()
    assert [(r["event"]["type"], r["event"]["subject"]) for r in got] == [
        ("casework.hearing.scheduled.v1", hearing_id), ("casework.hearing.rescheduled.v1", hearing_id)]
    assert all(r["webhook_id"] == r["event"]["id"] for r in got + intake_got)
    assert {r["event"]["type"] for r in intake_got} >= {"intake.incident.documented.v1"}
    assert all(r["event"]["dataclassification"] != "confidential" for r in got + intake_got)
    everything = json.dumps(got + intake_got, ensure_ascii=False)
    assert not [n for n in canary.needles(identity) if n in everything]


def test_a_receiver_down_gets_every_hearing_after_it_comes_back_in_order_per_hearing(webhook_system, tmp_path):
    receiver = Receiver(tmp_path / "late.jsonl")
    ok(subscribe(webhook_system, "casework", receiver, HEARING_TYPES), 201)
    case_id = open_case(webhook_system, canary.canary_identity())
    first, second = schedule(webhook_system, case_id, days=5), schedule(webhook_system, case_id, days=6)
    for days in (8, 9, 10):
        reschedule(webhook_system, first, days=days)
    reschedule(webhook_system, second, days=12)
    time.sleep(2.0)  # deliveries fail while nobody listens
    receiver.start()
    try:
        got = eventually_sync(lambda: len(receiver.received()) >= 6 and receiver.received(), "six hearing events")
    finally:
        receiver.stop()
    by_hearing = {h: [r["event"]["type"].split(".")[2] for r in got if r["event"]["subject"] == h]
                  for h in (first, second)}
    assert by_hearing == {first: ["scheduled", "rescheduled", "rescheduled", "rescheduled"],
                          second: ["scheduled", "rescheduled"]}


def test_the_reference_receiver_rejects_forged_stale_and_replayed_messages(tmp_path):
    receiver = Receiver(tmp_path / "attacks.jsonl").start()
    try:
        body = json.dumps({"specversion": "1.0", "id": "evt-1", "type": "casework.hearing.held.v1"}).encode()
        now = int(time.time())
        genuine = {"webhook-id": "evt-1", "webhook-timestamp": str(now),
                   "webhook-signature": sign(receiver.secret, "evt-1", now, body)}
        forged = {**genuine, "webhook-signature": sign(Receiver(tmp_path / "x").secret, "evt-1", now, body)}
        stale_at = now - 3600
        stale = {**genuine, "webhook-timestamp": str(stale_at),
                 "webhook-signature": sign(receiver.secret, "evt-1", stale_at, body)}
        tampered = receiver.post(body.replace(b"held", b"cancelled"), genuine)
        outcomes = [receiver.post(body, forged), tampered, receiver.post(body, stale), receiver.post(body, genuine),
                    receiver.post(body, genuine)]
        recorded = receiver.received()
    finally:
        receiver.stop()
    assert [(r.status_code, r.json()) for r in outcomes] == [
        (401, {"error": "invalid_signature"}), (401, {"error": "invalid_signature"}),
        (400, {"error": "timestamp_out_of_tolerance"}), (200, {"status": "accepted"}),
        (200, {"status": "duplicate"})]
    assert [r["webhook_id"] for r in recorded] == ["evt-1"]
