"""Which deliveries a consumed event creates, with their deterministic ids and timing (no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from servicekit.ids import derived_id

from .delivery import Channel, Delivery, DeliveryScheduled
from .messages import MessageKind, resolve_template
from .recipient import Hearing

HEARING_NOTICES = frozenset({MessageKind.HEARING_SCHEDULED, MessageKind.HEARING_RESCHEDULED})


def delivery_id(cause_event_id: str, victim_id: str, channel: Channel, kind: MessageKind, template_version: int,
                *, offset_hours: int | None = None) -> str:
    """Exactly one delivery per (cause event, recipient, channel, template version [, reminder offset])."""
    parts = [cause_event_id, victim_id, channel, f"{kind.value}/v{template_version}"]
    if offset_hours is not None:
        parts.append(f"{offset_hours}h")
    return derived_id("notify.delivery", *parts)


@dataclass(frozen=True, slots=True)
class Planned:
    """A delivery to create: its id and the event that creates it."""

    delivery_id: str
    event: DeliveryScheduled


@dataclass(frozen=True, slots=True)
class Audience:
    """One recipient of a planned message, as known when it is planned."""

    victim_id: str
    channel: Channel
    language: str | None


def plan(kind: MessageKind, audience: Audience, *, cause_event_id: str, now: datetime, urgent_kinds: Sequence[str],
         case_id: str | None = None, hearing: Hearing | None = None, due_at: datetime | None = None,
         expires_at: datetime | None = None, offset_hours: int | None = None) -> Planned:
    """One delivery of `kind` to one victim."""
    version = resolve_template(kind, audience.language).version
    event = DeliveryScheduled(
        victim_id=audience.victim_id, kind=kind, channel=audience.channel, template_version=version,
        cause_event_id=cause_event_id, case_id=case_id if hearing is None else hearing.case_id or case_id,
        hearing_id=hearing.hearing_id if hearing else None,
        reminder_offset_hours=offset_hours, scheduled_at=now, due_at=due_at or now, expires_at=expires_at,
        urgent=kind.value in urgent_kinds,
    )
    ident = delivery_id(cause_event_id, audience.victim_id, audience.channel, kind, version, offset_hours=offset_hours)
    return Planned(ident, event)


def reminder_times(starts_at: datetime, offsets_hours: Sequence[int], min_lead_hours: float,
                   now: datetime) -> list[tuple[int, datetime, datetime]]:
    """(offset, due, expires) of each reminder still ahead: a reminder stays useful until the next one."""
    offsets = sorted(offsets_hours, reverse=True)
    result = []
    for index, offset in enumerate(offsets):
        due = starts_at - timedelta(hours=offset)
        later = offsets[index + 1] if index + 1 < len(offsets) else None
        expires = starts_at - (timedelta(hours=later) if later is not None else timedelta(hours=min_lead_hours))
        if due > now and due < expires:
            result.append((offset, due, expires))
    return result


def plan_hearing_notice(kind: MessageKind, audience: Audience, hearing: Hearing, *, cause_event_id: str,
                        now: datetime, offsets_hours: Sequence[int], min_lead_hours: float,
                        urgent_kinds: Sequence[str]) -> list[Planned]:
    """A scheduled/rescheduled notice and the reminders before the hearing."""
    planned = [plan(kind, audience, cause_event_id=cause_event_id, now=now, urgent_kinds=urgent_kinds,
                    hearing=hearing, expires_at=hearing.starts_at)]
    for offset, due, expires in reminder_times(hearing.starts_at, offsets_hours, min_lead_hours, now):
        planned.append(plan(MessageKind.HEARING_REMINDER, audience, cause_event_id=cause_event_id, now=now,
                            urgent_kinds=urgent_kinds, hearing=hearing, due_at=due, expires_at=expires,
                            offset_hours=offset))
    return planned


def plan_replacement(delivery: Delivery, audience: Audience, now: datetime) -> Planned:
    """The same message on the victim's new preferred channel (the old delivery is cancelled)."""
    event = DeliveryScheduled(
        victim_id=delivery.victim_id, kind=delivery.kind, channel=audience.channel,
        template_version=resolve_template(delivery.kind, audience.language).version,
        cause_event_id=delivery.cause_event_id, case_id=delivery.case_id, hearing_id=delivery.hearing_id,
        reminder_offset_hours=delivery.reminder_offset_hours,
        scheduled_at=now, due_at=max(delivery.due_at, now), expires_at=delivery.expires_at,
        urgent=delivery.urgent, replaces=delivery.id,
    )
    return Planned(derived_id("notify.delivery.replacement", delivery.id, audience.channel), event)


def plan_resend(delivery: Delivery, now: datetime) -> Planned:
    """The same message again, as staff asked for an unknown delivery (one id per original: never twice)."""
    event = DeliveryScheduled(
        victim_id=delivery.victim_id, kind=delivery.kind, channel=delivery.channel,
        template_version=delivery.template_version, cause_event_id=delivery.cause_event_id,
        case_id=delivery.case_id, hearing_id=delivery.hearing_id, reminder_offset_hours=delivery.reminder_offset_hours,
        scheduled_at=now, due_at=now, expires_at=delivery.expires_at, urgent=delivery.urgent, replaces=delivery.id,
    )
    return Planned(resend_id(delivery.id), event)


def resend_id(original_id: str) -> str:
    """The one delivery that may send an original again."""
    return derived_id("notify.delivery.resend", original_id)


def stage_is_notified(to_stage: str, notified_stages: Sequence[str]) -> bool:
    """Whether victims hear about a case reaching this stage (the message never names it)."""
    return to_stage.strip().lower() in {stage.strip().lower() for stage in notified_stages}
