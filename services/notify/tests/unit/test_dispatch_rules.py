"""The checks right before a send: consent, opt-out, erasure, hearing changes, usefulness, safe hours."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from notify.domain.delivery import Delivery
from notify.domain.dispatch_rules import Cancel, Defer, Reroute, Send, Wait, assess
from notify.domain.messages import MessageKind
from notify.domain.recipient import Hearing, Recipient
from notify.domain.safe_hours import DEFAULT_WINDOW

NOON = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)  # Bamako is UTC+0 all year
PATIENCE = timedelta(hours=72)
RECIPIENT = Recipient(victim_id="v-1", consent=True, opted_out=False, erased=False, channel="sms", language="fr",
                      shared_phone=False, safe_hours_start="08:00", safe_hours_end="20:00", has_phone=True,
                      has_email=False, consent_version=1)
HEARING = Hearing(hearing_id="h-1", case_id="c-1", starts_at=NOON + timedelta(days=5), court="Tribunal de Kati",
                  city="Kati", status="scheduled", revision="e-1", revised_at=NOON)


def delivery(**overrides) -> Delivery:
    fields = {"id": "d-1", "victim_id": "v-1", "kind": MessageKind.HEARING_REMINDER, "channel": "sms",
              "template_version": 1, "cause_event_id": "e-1", "hearing_id": "h-1", "scheduled_at": NOON,
              "due_at": NOON, "expires_at": NOON + timedelta(days=4)}
    return Delivery(**{**fields, **overrides})


def verdict(d: Delivery | None = None, recipient: Recipient | None = RECIPIENT, hearing: Hearing | None = HEARING,
            now: datetime = NOON):
    return assess(d or delivery(), recipient, hearing, now, recipient_patience=PATIENCE)


def test_everything_in_order_sends_now() -> None:
    assert verdict() == Send()


def test_withdrawn_consent_cancels() -> None:
    assert verdict(recipient=replace(RECIPIENT, consent=False)) == Cancel("no_consent")


def test_a_stop_reply_cancels() -> None:
    assert verdict(recipient=replace(RECIPIENT, opted_out=True)) == Cancel("opted_out")


def test_erasure_cancels() -> None:
    assert verdict(recipient=replace(RECIPIENT, erased=True)) == Cancel("erased")


def test_an_unregistered_recipient_is_waited_for_then_given_up() -> None:
    assert isinstance(verdict(recipient=None), Wait)
    assert verdict(recipient=None, now=NOON + PATIENCE) == Cancel("no_recipient")


def test_a_registration_whose_consent_has_not_arrived_is_waited_for() -> None:
    assert isinstance(verdict(recipient=replace(RECIPIENT, consent=False, consent_version=0)), Wait)


def test_at_23h_bamako_the_message_is_deferred_to_8h() -> None:
    late = datetime(2025, 3, 10, 23, 0, tzinfo=UTC)
    result = verdict(delivery(due_at=late), now=late)
    assert result == Defer(datetime(2025, 3, 11, 8, 0, tzinfo=UTC))


def test_urgent_messages_bypass_safe_hours() -> None:
    late = datetime(2025, 3, 10, 23, 0, tzinfo=UTC)
    assert verdict(delivery(due_at=late, urgent=True), now=late) == Send()


def test_a_victims_own_window_is_used() -> None:
    assert isinstance(verdict(recipient=replace(RECIPIENT, safe_hours_start="18:00", safe_hours_end="21:00")), Defer)


def test_a_deferral_past_usefulness_skips_the_reminder() -> None:
    late = datetime(2025, 3, 10, 23, 0, tzinfo=UTC)
    assert verdict(delivery(due_at=late, expires_at=late + timedelta(hours=2)), now=late) == Cancel("expired")


def test_a_reminder_due_while_the_service_was_down_is_skipped_once_useless() -> None:
    assert verdict(now=NOON + timedelta(days=4, minutes=1)) == Cancel("expired")


def test_a_moved_hearing_cancels_the_old_reminder() -> None:
    moved = replace(HEARING, revision="e-2", starts_at=HEARING.starts_at + timedelta(days=7))
    assert verdict(hearing=moved) == Cancel("hearing_moved")


def test_a_moved_hearing_supersedes_the_old_notice() -> None:
    moved = replace(HEARING, revision="e-2")
    assert verdict(delivery(kind=MessageKind.HEARING_SCHEDULED), hearing=moved) == Cancel("superseded")


def test_a_cancelled_hearing_cancels_its_reminders() -> None:
    cancelled = replace(HEARING, revision="e-3", status="cancelled")
    assert verdict(hearing=cancelled) == Cancel("hearing_cancelled")


def test_the_cancellation_notice_goes_out_for_a_cancelled_hearing() -> None:
    cancelled = replace(HEARING, revision="e-3", status="cancelled")
    assert verdict(delivery(kind=MessageKind.HEARING_CANCELLED, cause_event_id="e-3"), hearing=cancelled) == Send()


def test_a_new_preferred_channel_reroutes() -> None:
    assert verdict(recipient=replace(RECIPIENT, channel="email", has_email=True)) == Reroute("email")


def test_no_contact_for_the_channel_cancels() -> None:
    assert verdict(recipient=replace(RECIPIENT, has_phone=False)) == Cancel("no_contact")


def test_messages_without_a_hearing_ignore_hearing_checks() -> None:
    referral = delivery(kind=MessageKind.REFERRAL_ACCEPTED, hearing_id=None, expires_at=None)
    assert verdict(referral, hearing=None) == Send()


def test_unusable_safe_hours_fall_back_to_the_default_window() -> None:
    odd = replace(RECIPIENT, safe_hours_start="25:00", safe_hours_end="08:00")
    assert odd.window() == DEFAULT_WINDOW  # the project default (servicekit.safe_hours), 08:00-18:00
