"""Store round trips of the worker's consumers: a victim's registration and consent, and the deliveries a
referral or a hearing plans, counted by a PyMongo command listener (a count that must not grow back, never
a time). Each handler is called directly with the event, so only its own commands are counted.

The listener is registered when this module is imported, before the fixtures build notify's client, and
counts only while armed, for notify's own database; the relay's and the webhook group's commands are left out.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import timedelta
from typing import Any

import pytest
from notify.domain.delivery import DELIVERY
from notify.handlers import (
    change_recipient_consent,
    notify_hearing_rescheduled,
    notify_hearing_scheduled,
    notify_referral_accepted,
    register_recipient,
)
from servicekit.consumer import ConsumedEvent
from servicekit.envelope import Envelope
from servicekit.ids import new_id
from servicekit.testing import store_commands

pytestmark = pytest.mark.integration

COMMANDS = store_commands()  # before the fixtures build notify's client
PLANNED = ["insert delivery_queue", "bulkWrite insert events + insert deliveries"]  # queue entry; commit, projection


def _beside_the_handler(name: str, collection: str, command: Any) -> bool:
    """What runs beside the handler: the relay (pending commits, unmarked after publishing), the webhook group,
    the leases."""
    if collection.startswith("webhook") or collection.endswith("_lease"):
        return True
    return collection == "events" and name in ("find", "update") and "outbox" in json.dumps(command, default=str)


def _event(event_type: str, subject: str, data: dict[str, Any], notify: Any) -> ConsumedEvent:
    envelope = Envelope(id=new_id(), source="/redress/" + event_type.split(".")[0], type=event_type, subject=subject,
                        time=notify.clock(), data=data, classification="confidential")
    return ConsumedEvent(envelope, topic="test", partition=0, offset=0)


def _accepted(notify: Any, victim_id: str) -> ConsumedEvent:
    data = {"referral_id": str(uuid.uuid4()), "victim_id": victim_id, "case_id": "case-1", "organisation": "org-aj",
            "lawyers": ["lawyer-1"], "court": None}
    return _event("casework.referral.accepted.v1", "case-1", data, notify)


def _count(notify: Any) -> None:
    COMMANDS.database = notify.settings.database_name
    COMMANDS.take()


def _taken() -> list[str]:
    trips = COMMANDS.take(_beside_the_handler)
    COMMANDS.database = None
    return trips


async def test_a_registration_is_one_insert_and_its_consent_one_update(notify: Any) -> None:
    victim_id = str(uuid.uuid4())
    preferences = {"channel": "sms", "language": "bm", "safe_hours_start": "08:00", "safe_hours_end": "20:00",
                   "shared_phone": False}
    registered = {"victim_id": victim_id, "organisation": "org-amdh", "notifications": preferences,
                  "phone_ciphertext": "v1:ciphertext", "email_ciphertext": None}
    consent = {"victim_id": victim_id, "version": 1, "notifications": {**preferences, "granted": True}}
    _count(notify)
    await register_recipient(_event("intake.victim.registered.v1", victim_id, registered, notify), notify.deps)
    await change_recipient_consent(_event("intake.victim.consent_changed.v1", victim_id, consent, notify), notify.deps)
    assert _taken() == ["insert recipients", "update recipients"]
    recipient = await notify.deps.recipients.get(victim_id)
    assert recipient is not None and recipient.consent and recipient.consent_version == 1
    assert recipient.language == "bm" and recipient.has_phone


async def test_a_consent_applied_before_its_registration_keeps_its_newer_preferences(notify: Any) -> None:
    victim_id = str(uuid.uuid4())
    registered = {"victim_id": victim_id, "organisation": "org-amdh", "phone_ciphertext": "v1:ciphertext",
                  "notifications": {"channel": "sms", "language": "fr"}, "email_ciphertext": None}
    consent = {"victim_id": victim_id, "version": 1, "notifications": {"channel": "sms", "language": "bm",
                                                                        "granted": True}}
    _count(notify)
    await change_recipient_consent(_event("intake.victim.consent_changed.v1", victim_id, consent, notify), notify.deps)
    await register_recipient(_event("intake.victim.registered.v1", victim_id, registered, notify), notify.deps)
    # Neither is the common case: each falls back to reading the victim's document and deciding on it.
    assert _taken() == ["update recipients", "find recipients", "update recipients",
                        "insert recipients", "find recipients", "update recipients"]
    recipient = await notify.deps.recipients.get(victim_id)
    assert recipient is not None and recipient.consent and recipient.language == "bm" and recipient.has_phone


async def test_a_referral_accepted_plans_its_sms_without_reading_the_delivery_first(notify: Any) -> None:
    victim = await notify.register(phone=f"+2237{random.randrange(10**7):07d}")
    _count(notify)
    await notify_referral_accepted(_accepted(notify, victim), notify.deps)
    assert _taken() == ["find recipients", *PLANNED]  # her preferences and consent, then the delivery
    assert [d.status for d in await notify.deliveries_of(victim)] == ["pending"]


async def test_a_hearing_new_to_notify_plans_its_notice_and_reminders_without_reading_first(notify: Any) -> None:
    victim = await notify.register(phone=f"+2237{random.randrange(10**7):07d}")
    hearing_id = f"h-{uuid.uuid4()}"
    data = {"hearing_id": hearing_id, "case_id": "case-1", "victim_ids": [victim], "court_code": "tgi-mopti",
            "city": "Mopti", "starts_at": (notify.clock() + timedelta(days=10)).isoformat()}
    _count(notify)
    await notify_hearing_scheduled(_event("casework.hearing.scheduled.v1", hearing_id, data, notify), notify.deps)
    # Notify's copy of the hearing is a first insert: nothing about it is queued yet, so nothing is looked up.
    assert _taken() == ["insert hearings", "find recipients", *PLANNED * 3]
    assert sorted(d.kind.value for d in await notify.deliveries_of(victim)) == [
        "hearing_reminder", "hearing_reminder", "hearing_scheduled"]


async def test_an_event_planned_again_by_another_instance_is_recorded_once(notify: Any) -> None:
    victim = await notify.register(phone=f"+2237{random.randrange(10**7):07d}")
    event = _accepted(notify, victim)
    await notify_referral_accepted(event, notify.deps)
    (delivery,) = await notify.deliveries_of(victim)
    other = notify.another_instance()  # a worker that never saw the delivery (nothing cached)
    try:
        await notify_referral_accepted(event, other)
    finally:
        await other.core.client.close()
    # The second create collided on version 1, read the history and found the delivery planned already.
    assert [c["version"] for c in await notify.deps.store.history(delivery.id)] == [1]
    assert (await notify.delivery(delivery.id)).status == "pending"  # type: ignore[union-attr]


async def test_an_event_replayed_by_another_instance_after_the_send_sends_nothing_more(
        notify: Any, sms_gateway: Any) -> None:
    phone = f"+2237{random.randrange(10**7):07d}"
    victim = await notify.register(phone=phone)
    event = _accepted(notify, victim)
    await notify_referral_accepted(event, notify.deps)
    assert await notify.tick() == 1
    other = notify.another_instance()
    try:
        await notify_referral_accepted(event, other)
    finally:
        await other.core.client.close()
    await notify.tick()
    (delivery,) = await notify.deliveries_of(victim)
    types = [e["type"] for c in await notify.deps.store.history(delivery.id) for e in c["events"]]
    assert types == ["notify.delivery.scheduled.v1", "notify.delivery.dispatched.v1", "notify.delivery.sent.v1"]
    assert len([r for r in sms_gateway.requests() if phone in (r.form.get("to"), r.form.get("To"))]) == 1
    assert (await notify.deps.store.load(DELIVERY, delivery.id, probe=True)).state.status == "sent"  # type: ignore[union-attr]


async def test_a_rescheduled_hearing_cancels_each_outdated_message_after_one_look_at_it(notify: Any) -> None:
    victim = await notify.register(phone=f"+2237{random.randrange(10**7):07d}")
    hearing_id = f"h-{uuid.uuid4()}"
    await notify.hearing_event("scheduled", hearing_id, [victim], notify.clock() + timedelta(days=10))
    data = {"hearing_id": hearing_id, "case_id": "case-1", "victim_ids": [victim], "court_code": "tgi-mopti",
            "city": "Mopti", "starts_at": (notify.clock() + timedelta(days=12)).isoformat(),
            "previous_starts_at": (notify.clock() + timedelta(days=10)).isoformat(), "reason": "postponed"}
    notify.clock.advance(timedelta(seconds=1))  # casework stamps the new event after the first
    for delivery in await notify.deliveries_of(victim):  # as in a worker that did not plan them
        notify.deps.store.cache.forget(DELIVERY, delivery.id)
    _count(notify)
    await notify_hearing_rescheduled(_event("casework.hearing.rescheduled.v1", hearing_id, data, notify), notify.deps)
    cancelled = ["find deliveries", "find events",  # the delivery and its history, probed: is it still pending?
                 "bulkWrite insert events + update deliveries", "delete delivery_queue"]  # cancelled, out of the queue
    assert _taken() == ["insert hearings", "find hearings", "update hearings",  # notify's copy moves forward
                        "find delivery_queue", *cancelled * 3,  # the notice and two reminders of the old date
                        "find recipients", *PLANNED * 3]  # those of the new date
    statuses = sorted((d.kind.value, d.status) for d in await notify.deliveries_of(victim))
    assert statuses == [("hearing_reminder", "cancelled")] * 2 + [("hearing_reminder", "pending")] * 2 + [
        ("hearing_rescheduled", "pending"), ("hearing_scheduled", "cancelled")]
