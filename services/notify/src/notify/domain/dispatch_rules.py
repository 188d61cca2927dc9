"""The checks made right before every send, not only at scheduling (no I/O).

Consent, erasure and opt-out are read again at the last moment; a hearing message is checked
against the hearing as it is now (moved or cancelled since); a message that is no longer useful
is skipped and recorded; outside safe hours it is deferred, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .delivery import CancelReason, Channel, Delivery
from .messages import MessageKind
from .recipient import Hearing, Recipient
from .safe_hours import next_send_time

RECHECK_UNKNOWN_RECIPIENT = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Send:
    """Every check passed: claim the delivery and send it now."""


@dataclass(frozen=True, slots=True)
class Defer:
    """Outside safe hours: record the deferral and wait until `until`."""

    until: datetime


@dataclass(frozen=True, slots=True)
class Wait:
    """Nothing to record yet (e.g. the victim's registration has not arrived): look again at `until`."""

    until: datetime
    why: str


@dataclass(frozen=True, slots=True)
class Cancel:
    """The message must not go out."""

    reason: CancelReason


@dataclass(frozen=True, slots=True)
class Reroute:
    """The victim now prefers another channel: cancel this one and plan the same message there."""

    channel: Channel


Verdict = Send | Defer | Wait | Cancel | Reroute


def _recipient_verdict(delivery: Delivery, recipient: Recipient | None, now: datetime,
                       patience: timedelta) -> Verdict | None:
    if recipient is not None and recipient.erased:
        return Cancel("erased")
    if recipient is None or not recipient.consent_known:
        if now - delivery.scheduled_at >= patience:
            return Cancel("no_recipient")
        return Wait(now + RECHECK_UNKNOWN_RECIPIENT, "registration or consent not received yet")
    if not recipient.consent:
        return Cancel("no_consent")
    if recipient.opted_out:
        return Cancel("opted_out")
    return None


def _hearing_verdict(delivery: Delivery, hearing: Hearing | None) -> Verdict | None:
    if delivery.hearing_id is None:
        return None
    if hearing is None:
        # Notify writes its copy of the hearing before planning messages about it: this cannot
        # happen unless that copy was lost, and a message about an unknown hearing must not go out.
        return Cancel("hearing_moved")
    if hearing.revision == delivery.cause_event_id:
        return None  # the hearing is still as it was when this message was planned
    if hearing.status == "cancelled" and delivery.kind != MessageKind.HEARING_CANCELLED:
        return Cancel("hearing_cancelled")
    return Cancel("hearing_moved" if delivery.kind == MessageKind.HEARING_REMINDER else "superseded")


def assess(delivery: Delivery, recipient: Recipient | None, hearing: Hearing | None, now: datetime, *,
           recipient_patience: timedelta) -> Verdict:
    """What to do with a due pending delivery now."""
    verdict = _recipient_verdict(delivery, recipient, now, recipient_patience) or _hearing_verdict(delivery, hearing)
    if verdict is not None:
        return verdict
    assert recipient is not None
    if delivery.expires_at is not None and now >= delivery.expires_at:
        return Cancel("expired")
    if recipient.channel != delivery.channel:
        return Reroute(recipient.channel)
    if not recipient.has_contact(delivery.channel):
        return Cancel("no_contact")
    send_at = next_send_time(now, recipient.window(), urgent=delivery.urgent)
    if send_at > now:
        if delivery.expires_at is not None and send_at >= delivery.expires_at:
            return Cancel("expired")
        return Defer(send_at)
    return Send()
