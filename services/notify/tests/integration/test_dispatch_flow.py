"""From consumed events to messages on the real broker and store, the local gateway and SMTP server.

Every consumed event is published twice (a redelivery); the dispatcher runs when the test ticks it,
at the time of the injected clock.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from typing import Any

import pytest

pytestmark = pytest.mark.integration


def new_phone() -> str:
    return f"+2237{random.randrange(10**7):07d}"


def sms_to(gateway: Any, phone: str) -> list[Any]:
    """Send requests that reached either provider for this number."""
    return [r for r in gateway.requests() if phone in (r.form.get("to"), r.form.get("To"))]


async def test_a_scheduled_hearing_sends_exactly_one_sms(notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim = await notify.register(phone=phone)
    await notify.hearing_event("scheduled", f"h-{uuid.uuid4()}", [victim], notify.clock() + timedelta(days=10))
    await notify.tick()
    await notify.tick()
    calls = sms_to(sms_gateway, phone)
    assert sms_gateway.call_count("africastalking") + sms_gateway.call_count("twilio") == 1
    assert len(calls) == 1
    assert "jeudi 20 mars 2025" in calls[0].form["message"] and "Mopti" in calls[0].form["message"]
    states = sorted((d.kind.value, d.reminder_offset_hours or 0, d.status) for d in await notify.deliveries_of(victim))
    assert states == [("hearing_reminder", 24, "pending"), ("hearing_reminder", 72, "pending"),
                      ("hearing_scheduled", 0, "sent")]


async def test_503_503_200_is_exactly_three_calls_then_sent(notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim = await notify.register(phone=phone)
    sms_gateway.script("africastalking", [503, 503, 200])
    await notify.referral_accepted(victim)
    await notify.tick()
    (delivery,) = await notify.deliveries_of(victim)
    assert (sms_gateway.call_count("africastalking"), sms_gateway.call_count("twilio")) == (3, 0)
    assert len(sms_to(sms_gateway, phone)) == 3
    assert (delivery.status, delivery.provider, delivery.attempts) == ("sent", "africastalking", 3)


async def test_400_is_one_call_and_failed(notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim = await notify.register(phone=phone)
    sms_gateway.script("africastalking", [400])
    await notify.referral_accepted(victim)
    await notify.tick()
    await notify.tick()
    (delivery,) = await notify.deliveries_of(victim)
    assert sms_gateway.call_count("africastalking") + sms_gateway.call_count("twilio") == 1
    assert (delivery.status, delivery.reason, delivery.attempts) == ("failed", "http:400", 1)


async def test_message_due_at_23h_bamako_is_sent_at_the_start_of_the_safe_window(notify: Any,
                                                                                  sms_gateway: Any) -> None:
    notify.clock.set(notify.clock().replace(hour=23, minute=0))
    phone = new_phone()
    victim = await notify.register(phone=phone)
    await notify.referral_accepted(victim)
    await notify.tick()
    (deferred,) = await notify.deliveries_of(victim)
    assert sms_to(sms_gateway, phone) == []
    assert (deferred.status, deferred.due_at.hour, deferred.reason) == ("pending", 8, "safe_hours")
    notify.clock.set(deferred.due_at - timedelta(minutes=1))
    await notify.tick()
    assert sms_to(sms_gateway, phone) == []
    notify.clock.set(deferred.due_at)
    await notify.tick()
    (sent,) = await notify.deliveries_of(victim)
    assert len(sms_to(sms_gateway, phone)) == 1 and sent.status == "sent"


async def test_email_victims_get_an_email_through_smtp(notify: Any, smtp_server: Any, sms_gateway: Any) -> None:
    address = f"victim-{uuid.uuid4().hex[:8]}@example.org"
    victim = await notify.register(email=address, channel="email", language="en")
    await notify.hearing_event("scheduled", f"h-{uuid.uuid4()}", [victim], notify.clock() + timedelta(days=10))
    await notify.tick()
    mails = [m for m in smtp_server.received() if m.rcpt_tos == [address]]
    assert len(mails) == 1
    assert "Thursday 20 March 2025" in mails[0].message.get_content()
    assert sms_gateway.requests() == []


async def test_a_message_waits_for_a_registration_that_arrives_later(notify: Any, sms_gateway: Any) -> None:
    victim = str(uuid.uuid4())
    await notify.referral_accepted(victim)
    await notify.tick()
    assert [d.status for d in await notify.deliveries_of(victim)] == ["pending"]
    phone = new_phone()
    notify.keys.add_victim(victim)
    await notify.victim_registered(victim, {"channel": "sms", "language": "fr"}, phone=phone)
    await notify.tick()
    assert sms_to(sms_gateway, phone) == []  # registered, but intake's consent event is not there yet
    await notify.consent_changed(victim, granted=True, version=1)
    notify.clock.advance(timedelta(minutes=2))
    await notify.tick()
    assert len(sms_to(sms_gateway, phone)) == 1


async def test_without_any_channel_configured_messages_wait_pending(bare_notify: Any) -> None:
    victim = await bare_notify.register(phone=new_phone())
    await bare_notify.referral_accepted(victim)
    await bare_notify.tick()
    bare_notify.clock.advance(timedelta(hours=1))
    await bare_notify.tick()
    (delivery,) = await bare_notify.deliveries_of(victim)
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert await bare_notify.deps.queue.ids_for_victim(victim) == [delivery.id]


async def test_a_bambara_speaker_hears_the_date_in_words_and_the_court_in_bambara(notify: Any,
                                                                                  sms_gateway: Any) -> None:
    phone = new_phone()
    victim = await notify.register(phone=phone, language="bm")
    hearing_id = f"h-{uuid.uuid4()}"
    starts_at = notify.clock() + timedelta(days=10)
    await notify.feed("casework.hearings", "casework.hearing.scheduled.v1", hearing_id, {
        "hearing_id": hearing_id, "case_id": "case-1", "victim_ids": [victim], "court_code": "ml-tgi-bamako-c3",
        "court_name": "Tribunal de grande instance de la Commune III du District de Bamako", "city": "Bamako",
        "starts_at": starts_at.isoformat(), "purpose": "trial"})
    await notify.tick()
    (call,) = sms_to(sms_gateway, phone)
    body = call.form["message"]
    assert "Komini III, Bamako" in body and "Tribunal" not in body  # the court named in Bambara
    assert "kalo tile" in body and "/20" not in body  # the date written out, not 12/03/2026
    sent = [d for d in await notify.deliveries_of(victim) if d.status == "sent"]
    assert [d.segments for d in sent] in ([1], [2])


async def test_a_shared_phone_gets_the_generic_wording(notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim = await notify.register(phone=phone, language="bm", shared_phone=True)
    await notify.hearing_event("scheduled", f"h-{uuid.uuid4()}", [victim], notify.clock() + timedelta(days=10))
    await notify.tick()
    (call,) = sms_to(sms_gateway, phone)
    body = call.form["message"]
    assert "+223 20 22 33 44" in body and "Service d'information" in body
    assert "Mopti" not in body and "2025" not in body and "20/03" not in body
