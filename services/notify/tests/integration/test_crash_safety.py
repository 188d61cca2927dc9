"""Crashes and unknown outcomes: nothing skipped after a crash, unknown sends resolved or put before staff."""

from __future__ import annotations

import random
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from notify.domain.delivery import DELIVERY
from notify.reconciler import Reconciler

pytestmark = pytest.mark.integration


def new_phone() -> str:
    return f"+2237{random.randrange(10**7):07d}"


async def test_a_worker_killed_between_seeing_a_hearing_and_planning_plans_it_once_on_redelivery(notify: Any) -> None:
    victim = await notify.register(phone=new_phone())
    await notify.stop()
    hearing_id = f"h-{uuid.uuid4()}"
    data = {"hearing_id": hearing_id, "case_id": "case-1", "victim_ids": [victim], "court_name": "TGI de Mopti",
            "city": "Mopti", "starts_at": (notify.clock() + timedelta(days=10)).isoformat()}
    _, records = await notify.publish("casework.hearings", "casework.hearing.scheduled.v1", hearing_id, data, times=1)
    s = notify.settings
    script = Path(__file__).with_name("kill_hearing_worker.py")
    proc = subprocess.run([sys.executable, str(script), s.kafka_bootstrap, s.mongo_url, s.mongo_db, s.topic_namespace,
                           str(s.auth_jwks_file)], timeout=120, check=False)
    assert proc.returncode == -9
    assert (await notify.deps.hearings.get(hearing_id)) is not None  # seen, then killed before planning
    assert await notify.deliveries_of(victim) == []
    await notify.start()
    await notify.wait_consumed(records)
    planned = sorted((d.kind.value, d.reminder_offset_hours) for d in await notify.deliveries_of(victim))
    assert planned == [("hearing_reminder", 24), ("hearing_reminder", 72), ("hearing_scheduled", None)]


async def test_a_local_number_with_spaces_reaches_the_provider_in_e164(notify: Any, sms_gateway: Any) -> None:
    local = f"7{random.randrange(10):d} {random.randrange(100):02d} {random.randrange(100):02d} 46"
    victim = await notify.register(phone=local)
    await notify.referral_accepted(victim)
    await notify.tick()
    expected = "+223" + local.replace(" ", "")
    assert [r.form["to"] for r in sms_gateway.requests()
            if r.form.get("to") == expected] == [expected]


async def test_a_send_the_gateway_never_answers_is_unknown_and_never_sent_twice(notify: Any, sms_gateway: Any) -> None:
    sms_gateway.script("africastalking", ["timeout"])  # the request arrives, the answer comes too late
    hang, sms_gateway.hang_seconds = sms_gateway.hang_seconds, notify.settings.sms_timeout_seconds + 2
    phone = new_phone()
    victim = await notify.register(phone=phone)
    await notify.referral_accepted(victim)
    try:
        await notify.tick()
    finally:
        sms_gateway.hang_seconds = hang
    [delivery] = await notify.deliveries_of(victim)
    assert (await notify.delivery(delivery.id)).status == "unknown"
    await notify.tick()
    assert len([r for r in sms_gateway.requests() if r.form.get("to") == phone]) == 1


async def unknown_delivery(notify: Any, phone: str) -> tuple[str, str]:
    """A victim whose referral notice was claimed, sent, and whose outcome was never recorded."""
    victim = await notify.register(phone=phone)
    await notify.referral_accepted(victim)
    delivery_id = (await notify.deliveries_of(victim))[0].id
    from functools import partial

    from notify.domain import lifecycle
    from notify.sending import dispatcher_context

    await notify.deps.store.execute(DELIVERY, delivery_id, partial(lifecycle.dispatch, now=notify.clock()),
                                    context=dispatcher_context(delivery_id))
    await notify.deps.recipients.remember_phone(victim, _phone_key(notify, phone))
    notify.clock.advance(timedelta(seconds=notify.settings.dispatch_stale_after_seconds + 1))
    await notify.tick()  # the dispatcher settles the stale claim as unknown
    assert (await notify.delivery(delivery_id)).status == "unknown"
    return victim, delivery_id


def _phone_key(notify: Any, phone: str) -> str:
    from notify.domain.contact import phone_index_key

    return phone_index_key(notify.settings.phone_index_key.get_secret_value().encode(), phone)


async def test_an_unknown_delivery_is_settled_by_a_provider_report_we_never_linked(notify: Any, api: Any) -> None:
    phone = new_phone()
    _, delivery_id = await unknown_delivery(notify, phone)
    form = {"id": "ATXid_lost", "status": "Success", "phoneNumber": phone}
    response = await api.post("/webhooks/africastalking/delivery?token=at-callback-token", data=form)
    assert response.status_code == 200
    await Reconciler(notify.deps).run_once()
    assert (await notify.delivery(delivery_id)).status == "delivered"


async def test_an_unknown_delivery_nobody_settles_is_flagged_listed_and_counted(notify: Any, api: Any,
                                                                                  token: Any) -> None:
    _, delivery_id = await unknown_delivery(notify, new_phone())
    notify.clock.advance(timedelta(seconds=notify.settings.unknown_flag_after_seconds + 1))
    await Reconciler(notify.deps).run_once()
    assert (await notify.delivery(delivery_id)).flags == ["outcome_unknown"]
    listed = await api.get("/deliveries?status=unknown&flagged=true", headers=token("notify_admin"))
    assert delivery_id in [d["id"] for d in listed.json()["items"]]
    metrics = (await api.get("/metrics")).text
    assert 'redress_notify_deliveries_flagged{reason="outcome_unknown"}' in metrics
    history = [e["type"] for e in (await api.get(f"/deliveries/{delivery_id}", headers=token("notify_admin"))
                                   ).json()["history"]]
    assert history[-1] == "notify.delivery.flagged.v1"


async def test_send_again_sends_an_unknown_message_once_however_often_it_is_asked(notify: Any, api: Any, token: Any,
                                                                                  sms_gateway: Any) -> None:
    phone = new_phone()
    _, delivery_id = await unknown_delivery(notify, phone)
    body = {"reason": "victim_says_not_received"}
    first = await api.post(f"/deliveries/{delivery_id}/send-again", json=body, headers=token("notify_admin"))
    second = await api.post(f"/deliveries/{delivery_id}/send-again", json=body, headers=token("notify_admin"))
    await notify.tick()
    assert (first.status_code, second.status_code) == (202, 200)
    assert first.json()["resend_delivery_id"] == second.json()["resend_delivery_id"]
    assert (await notify.delivery(first.json()["resend_delivery_id"])).status == "sent"
    assert len([r for r in sms_gateway.requests() if r.form.get("to") == phone]) == 1
    audit = await notify.deps.core.db["audit_log"].count_documents({"action": "delivery.send_again"})
    assert audit == 2


async def test_send_again_retried_with_its_idempotency_key_answers_as_the_first_time_and_sends_once(
        notify: Any, api: Any, token: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    _, delivery_id = await unknown_delivery(notify, phone)
    headers = {**token("notify_admin"), "Idempotency-Key": f"send-again-{uuid.uuid4()}"}
    body = {"reason": "no_report_from_provider"}
    first = await api.post(f"/deliveries/{delivery_id}/send-again", json=body, headers=headers)
    retried = await api.post(f"/deliveries/{delivery_id}/send-again", json=body, headers=headers)
    await notify.tick()
    assert (first.status_code, retried.status_code) == (202, 202)
    assert retried.json() == first.json() and first.json()["first_request"] is True
    resent = [e for c in await notify.deps.store.history(delivery_id) for e in c["events"]
              if e["type"] == "notify.delivery.resent.v1"]
    assert len(resent) == 1
    assert len([r for r in sms_gateway.requests() if r.form.get("to") == phone]) == 1


async def test_send_again_with_a_used_idempotency_key_and_another_body_is_a_409_that_changes_nothing(
        notify: Any, api: Any, token: Any) -> None:
    _, delivery_id = await unknown_delivery(notify, new_phone())
    headers = {**token("notify_admin"), "Idempotency-Key": f"send-again-{uuid.uuid4()}"}
    first = await api.post(f"/deliveries/{delivery_id}/send-again", json={"reason": "other"}, headers=headers)
    reused = await api.post(f"/deliveries/{delivery_id}/send-again", json={"reason": "victim_says_not_received"},
                            headers=headers)
    assert first.status_code == 202
    assert reused.status_code == 409 and reused.headers["content-type"] == "application/problem+json"
    assert reused.json()["errors"][0]["field"] == "Idempotency-Key"
    assert reused.json()["code"] == "idempotency_key_reused"
    commits = await notify.deps.store.history(delivery_id)
    assert [e["data"]["reason"] for c in commits for e in c["events"] if e["type"] == "notify.delivery.resent.v1"] \
        == ["other"]


async def test_send_again_is_refused_for_a_delivery_that_was_sent(notify: Any, api: Any, token: Any) -> None:
    victim = await notify.register(phone=new_phone())
    await notify.referral_accepted(victim)
    await notify.tick()
    delivery_id = (await notify.deliveries_of(victim))[0].id
    response = await api.post(f"/deliveries/{delivery_id}/send-again", json={"reason": "other"},
                              headers=token("notify_admin"))
    assert response.status_code == 409


async def test_a_hearing_notice_that_failed_is_flagged_before_the_first_reminder_is_due(
        notify: Any, sms_gateway: Any) -> None:
    sms_gateway.script("africastalking", ["invalid_number"])
    victim = await notify.register(phone=new_phone())
    starts_at = notify.clock() + timedelta(days=4)
    await notify.hearing_event("scheduled", f"h-{uuid.uuid4()}", [victim], starts_at)
    await notify.tick()
    notify.clock.set(starts_at - timedelta(hours=72 + 12))  # 12 h before the first reminder is due
    await Reconciler(notify.deps).run_once()
    notice = next(d for d in await notify.deliveries_of(victim) if d.kind.value == "hearing_scheduled")
    assert notice.status == "failed" and notice.flags == ["notice_unconfirmed"]


async def test_a_hearing_seen_but_never_planned_gets_its_notice_from_the_reconciler(notify: Any) -> None:
    from notify.domain.recipient import Hearing
    from servicekit.ids import new_id

    victim = await notify.register(phone=new_phone())
    starts_at = notify.clock() + timedelta(days=4)
    hearing = Hearing(hearing_id=f"h-{uuid.uuid4()}", case_id="case-1", starts_at=starts_at, court="TGI de Mopti",
                      city="Mopti", status="scheduled", revision=new_id(), revised_at=notify.clock())
    assert await notify.deps.hearings.apply(hearing, [victim]) == "first"  # seen; the process died right after
    notify.clock.set(starts_at - timedelta(hours=72 + 12))
    await Reconciler(notify.deps).run_once()
    planned = sorted((d.kind.value, d.cause_event_id) for d in await notify.deliveries_of(victim))
    assert planned == [("hearing_reminder", hearing.revision)] * 2 + [("hearing_scheduled", hearing.revision)]
