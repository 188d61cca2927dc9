"""Victim safety on the real stack: STOP replies, erasure, consent, and what leaves notify on the bus."""

from __future__ import annotations

import json
import random
import sys
import uuid
from datetime import timedelta
from typing import Any

import pytest
from servicekit.testing import read_topic

pytestmark = pytest.mark.integration


def new_phone() -> str:
    return f"+2237{random.randrange(10**7):07d}"


def sms_to(gateway: Any, phone: str) -> list[Any]:
    return [r for r in gateway.requests() if phone in (r.form.get("to"), r.form.get("To"))]


def twilio_signature(url: str, form: dict[str, str], token: str) -> str:
    """The local gateway's own implementation of Twilio's signing, independent of notify's."""
    return sys.modules["notify_test_support_gateway"].twilio_signature(url, form, token)


async def hearing_with_notice_sent(notify: Any, phone: str) -> tuple[str, str]:
    victim = await notify.register(phone=phone)
    hearing_id = f"h-{uuid.uuid4()}"
    await notify.hearing_event("scheduled", hearing_id, [victim], notify.clock() + timedelta(days=10))
    await notify.tick()
    return victim, hearing_id


async def statuses(notify: Any, victim: str) -> dict[str, tuple[str, str | None]]:
    deliveries = await notify.deliveries_of(victim)
    return {f"{d.kind.value}/{d.reminder_offset_hours}": (d.status, d.reason) for d in deliveries}


async def test_a_victim_who_replied_stop_receives_nothing_more(notify: Any, api: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim, _ = await hearing_with_notice_sent(notify, phone)
    url = f"{notify.settings.public_base_url}/webhooks/twilio/inbound"
    form = {"MessageSid": "SM" + uuid.uuid4().hex, "From": phone.replace("+223", "+223 "), "Body": "Stop",
            "AccountSid": sms_gateway.twilio_account_sid}
    reply = await api.post(url, data=form, headers={
        "X-Twilio-Signature": twilio_signature(url, form, sms_gateway.twilio_auth_token)})
    assert reply.status_code == 200 and "<Response>" in reply.text
    await notify.referral_accepted(victim)
    notify.clock.advance(timedelta(days=10))
    await notify.tick()
    assert len(sms_to(sms_gateway, phone)) == 1  # only the notice sent before the reply
    assert await statuses(notify, victim) == {"hearing_scheduled/None": ("sent", None),
                                              "hearing_reminder/72": ("cancelled", "opted_out"),
                                              "hearing_reminder/24": ("cancelled", "opted_out")}


async def test_a_stop_survives_unrelated_consent_changes_until_notifications_are_granted_anew(
        notify: Any, api: Any) -> None:
    phone = new_phone()
    victim, _ = await hearing_with_notice_sent(notify, phone)
    stop = {"from": phone, "to": "36000", "text": "STOP", "id": uuid.uuid4().hex}
    assert (await api.post("/webhooks/africastalking/inbound", params={"token": "at-callback-token"},
                           data=stop)).status_code == 200
    notify.clock.advance(timedelta(minutes=1))
    await notify.consent_changed(victim, granted=True, version=2)  # e.g. the sharing consent changed
    still_stopped = (await notify.deps.recipients.get(victim)).opted_out
    await notify.consent_changed(victim, granted=False, version=3)
    await notify.consent_changed(victim, granted=True, version=4)
    assert still_stopped is True
    assert (await notify.deps.recipients.get(victim)).opted_out is False


async def test_stop_in_bambara_by_africastalking_reply_opts_out(notify: Any, api: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim, _ = await hearing_with_notice_sent(notify, phone)
    form = {"from": phone, "to": "36000", "text": "A dabila", "id": uuid.uuid4().hex}
    reply = await api.post("/webhooks/africastalking/inbound", params={"token": "at-callback-token"}, data=form)
    assert reply.status_code == 200
    recipient = await notify.deps.recipients.get(victim)
    assert recipient.opted_out is True


async def test_a_stop_reply_without_the_callback_token_is_refused(notify: Any, api: Any) -> None:
    phone = new_phone()
    victim, _ = await hearing_with_notice_sent(notify, phone)
    reply = await api.post("/webhooks/africastalking/inbound", params={"token": "guess"},
                           data={"from": phone, "text": "STOP"})
    assert reply.status_code == 403 and reply.headers["content-type"] == "application/problem+json"
    assert (await notify.deps.recipients.get(victim)).opted_out is False


async def test_erasure_cancels_pending_reminders_and_forgets_the_contact(notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim, _ = await hearing_with_notice_sent(notify, phone)
    notify.keys.refuse(victim, 410)
    await notify.feed("intake.victims", "intake.victim.erased.v1", victim,
                      {"victim_id": victim, "erased_at": notify.clock().isoformat(), "reason": "victim request"})
    notify.clock.advance(timedelta(days=10))
    await notify.tick()
    assert len(sms_to(sms_gateway, phone)) == 1
    assert await statuses(notify, victim) == {"hearing_scheduled/None": ("sent", None),
                                              "hearing_reminder/72": ("cancelled", "erased"),
                                              "hearing_reminder/24": ("cancelled", "erased")}
    stored = await notify.deps.recipients.document(victim)
    assert stored == {"_id": victim, "erased": True, "erased_at": stored["erased_at"], "consent": False}


async def test_a_registration_redelivered_after_erasure_does_not_bring_the_contact_back(notify: Any) -> None:
    victim = await notify.register(phone=new_phone())
    await notify.feed("intake.victims", "intake.victim.erased.v1", victim, {"victim_id": victim})
    await notify.victim_registered(victim, {"channel": "sms"}, phone=new_phone())
    stored = await notify.deps.recipients.document(victim)
    assert stored["erased"] is True and "phone_ciphertext" not in stored


async def test_withdrawn_consent_cancels_what_is_pending(notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim, _ = await hearing_with_notice_sent(notify, phone)
    await notify.consent_changed(victim, granted=False, version=2)
    notify.clock.advance(timedelta(days=10))
    await notify.tick()
    assert len(sms_to(sms_gateway, phone)) == 1
    assert {s for s, _ in (await statuses(notify, victim)).values()} == {"sent", "cancelled"}


async def test_an_old_withdrawal_replayed_after_a_new_grant_cancels_nothing(notify: Any) -> None:
    phone = new_phone()
    victim = await notify.register(phone=phone)
    withdrawal = await notify.consent_changed(victim, granted=False, version=2)
    await notify.consent_changed(victim, granted=True, version=3)
    await notify.hearing_event("scheduled", f"h-{uuid.uuid4()}", [victim], notify.clock() + timedelta(days=10))
    await notify.replay("intake.victims", withdrawal)
    recipient = await notify.deps.recipients.get(victim)
    assert (recipient.consent, recipient.consent_version) == (True, 3)
    assert {d.status for d in await notify.deliveries_of(victim)} == {"pending"}


async def test_intake_refusing_the_key_at_send_time_means_no_send(notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim = await notify.register(phone=phone)
    notify.keys.refuse(victim, 403)  # consent withdrawn in intake, event not consumed yet
    await notify.referral_accepted(victim)
    await notify.tick()
    (delivery,) = await notify.deliveries_of(victim)
    assert (delivery.status, delivery.reason) == ("cancelled", "no_consent")
    assert sms_to(sms_gateway, phone) == []


async def test_published_delivery_events_carry_ids_and_status_never_content(notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim, _ = await hearing_with_notice_sent(notify, phone)
    body = sms_to(sms_gateway, phone)[0].form["message"]
    records = await read_topic(notify.settings.kafka_bootstrap, notify.topic("notify.deliveries"), expected=5)
    payloads = [json.loads(r.value) for r in records]
    types = {dict(r.headers)["ce_type"].decode() for r in records}
    assert {"notify.delivery.scheduled.v1", "notify.delivery.dispatched.v1", "notify.delivery.sent.v1"} <= types
    raw = b"".join(r.value + b"".join(v for _, v in r.headers) for r in records).decode()
    assert phone[4:] not in raw and body not in raw and "Mopti" not in raw
    assert all("status" in data for data in payloads)
    assert any(data.get("victim_id") == victim for data in payloads)


async def test_a_victim_leaving_a_collective_case_gets_nothing_more_about_it_and_the_others_still_do(
        notify: Any, sms_gateway: Any) -> None:
    leaving, staying = await notify.register(phone=new_phone()), await notify.register(phone=new_phone())
    hearing_id = f"h-{uuid.uuid4()}"
    await notify.hearing_event("scheduled", hearing_id, [leaving, staying], notify.clock() + timedelta(days=10))
    other_case = {"hearing_id": f"h-{uuid.uuid4()}", "case_id": "case-2", "victim_ids": [leaving],
                  "court_code": "tgi-mopti", "court_name": "Tribunal de grande instance de Mopti", "city": "Mopti",
                  "starts_at": (notify.clock() + timedelta(days=10)).isoformat(), "purpose": "trial"}
    await notify.feed("casework.hearings", "casework.hearing.scheduled.v1", other_case["hearing_id"], other_case)
    await notify.tick()
    await notify.feed("casework.cases", "casework.case.victim_removed.v1", "case-1", {
        "case_id": "case-1", "victim_id": leaving, "referral_id": "ref-2", "reason": "consent_withdrawn"})
    left = {(d.case_id, d.kind.value, d.reminder_offset_hours): (d.status, d.reason)
            for d in await notify.deliveries_of(leaving)}
    assert left[("case-1", "hearing_reminder", 72)] == ("cancelled", "no_consent")
    assert left[("case-1", "hearing_reminder", 24)] == ("cancelled", "no_consent")
    assert left[("case-2", "hearing_reminder", 72)][0] == "pending"
    assert {s for s, _ in (await statuses(notify, staying)).values()} == {"sent", "pending"}
