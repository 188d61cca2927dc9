"""Planning deliveries from consumed events: deterministic ids, reminders and their useful windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from notify.domain.delivery import Delivery
from notify.domain.messages import MessageKind
from notify.domain.planning import (
    Audience,
    delivery_id,
    plan,
    plan_hearing_notice,
    plan_replacement,
    reminder_times,
    stage_is_notified,
)
from notify.domain.recipient import Hearing

NOW = datetime(2025, 3, 10, 10, 0, tzinfo=UTC)
AUDIENCE = Audience("v-1", "sms", "fr")


def hearing(starts_in: timedelta) -> Hearing:
    return Hearing(hearing_id="h-1", case_id="c-1", starts_at=NOW + starts_in, court="Tribunal de Kati", city="Kati",
                   status="scheduled", revision="e-1", revised_at=NOW)


def notice(starts_in: timedelta) -> list:
    return plan_hearing_notice(MessageKind.HEARING_SCHEDULED, AUDIENCE, hearing(starts_in), cause_event_id="e-1",
                               now=NOW, offsets_hours=[72, 24], min_lead_hours=2, urgent_kinds=[])


def test_delivery_id_is_the_same_for_the_same_cause() -> None:
    first = delivery_id("e-1", "v-1", "sms", MessageKind.HEARING_SCHEDULED, 1)
    assert first == delivery_id("e-1", "v-1", "sms", MessageKind.HEARING_SCHEDULED, 1)


def test_delivery_id_differs_by_channel_template_version_and_offset() -> None:
    base = delivery_id("e-1", "v-1", "sms", MessageKind.HEARING_REMINDER, 1, offset_hours=24)
    others = {delivery_id("e-1", "v-1", "email", MessageKind.HEARING_REMINDER, 1, offset_hours=24),
              delivery_id("e-1", "v-1", "sms", MessageKind.HEARING_REMINDER, 2, offset_hours=24),
              delivery_id("e-1", "v-1", "sms", MessageKind.HEARING_REMINDER, 1, offset_hours=72),
              delivery_id("e-2", "v-1", "sms", MessageKind.HEARING_REMINDER, 1, offset_hours=24)}
    assert base not in others and len(others) == 4


def test_a_hearing_far_ahead_gets_a_notice_and_two_reminders() -> None:
    planned = notice(timedelta(days=10))
    kinds = [(p.event.kind, p.event.reminder_offset_hours) for p in planned]
    assert kinds == [(MessageKind.HEARING_SCHEDULED, None), (MessageKind.HEARING_REMINDER, 72),
                     (MessageKind.HEARING_REMINDER, 24)]
    assert planned[1].event.due_at == NOW + timedelta(days=10) - timedelta(hours=72)
    assert len({p.delivery_id for p in planned}) == 3


def test_reminders_already_past_are_not_planned() -> None:
    planned = notice(timedelta(hours=30))
    assert [p.event.reminder_offset_hours for p in planned] == [None, 24]


def test_a_reminder_is_useful_until_the_next_one_is_due() -> None:
    starts_at = NOW + timedelta(days=10)
    times = reminder_times(starts_at, [24, 72], 2, NOW)
    assert [(o, starts_at - e) for o, _, e in times] == [(72, timedelta(hours=24)), (24, timedelta(hours=2))]


def test_the_notice_expires_when_the_hearing_starts() -> None:
    planned = notice(timedelta(days=10))
    assert planned[0].event.expires_at == NOW + timedelta(days=10)
    assert planned[0].event.hearing_id == "h-1" and planned[0].event.case_id == "c-1"


def test_urgent_kinds_are_marked_urgent() -> None:
    planned = plan(MessageKind.HEARING_CANCELLED, AUDIENCE, cause_event_id="e-1", now=NOW,
                   urgent_kinds=["hearing_cancelled"], hearing=hearing(timedelta(days=1)))
    assert planned.event.urgent is True


def test_replacement_on_another_channel_has_its_own_id() -> None:
    original = plan(MessageKind.REFERRAL_ACCEPTED, AUDIENCE, cause_event_id="e-1", now=NOW, urgent_kinds=[])
    delivery = Delivery(id=original.delivery_id, **original.event.model_dump(exclude={"status"}))
    replacement = plan_replacement(delivery, Audience("v-1", "email", "fr"), NOW)
    assert replacement.delivery_id != original.delivery_id
    assert (replacement.event.channel, replacement.event.replaces) == ("email", original.delivery_id)


def test_only_configured_stages_are_notified() -> None:
    assert stage_is_notified("Trial", ["trial", "judgment"])
    assert not stage_is_notified("preliminary_investigation", ["trial", "judgment"])
