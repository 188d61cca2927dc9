"""Consumed casework hearing events: the notice and reminders of each hearing's current revision."""

from __future__ import annotations

from servicekit.commands import consumer_context
from servicekit.consumer import ConsumedEvent
from servicekit.eventstore import CommandContext

from ..bootstrap import Deps
from ..consumed import HearingCancelledV1, HearingV1
from ..domain.delivery import CancelReason, Delivery
from ..domain.messages import MessageKind
from ..domain.planning import plan, plan_hearing_notice
from ..domain.recipient import Hearing
from .scheduling import ACTOR, audience_for, cancel_pending, schedule, with_subject


async def notify_hearing_scheduled(event: ConsumedEvent, deps: Deps) -> None:
    """Tell the victims when and where the hearing is, and plan the reminders before it."""
    await _hearing_set(event, deps, MessageKind.HEARING_SCHEDULED)


async def notify_hearing_rescheduled(event: ConsumedEvent, deps: Deps) -> None:
    """Tell the victims the new date; the old notice and reminders are cancelled, new ones planned."""
    await _hearing_set(event, deps, MessageKind.HEARING_RESCHEDULED)


async def _hearing_set(event: ConsumedEvent, deps: Deps, kind: MessageKind) -> None:
    data = HearingV1.model_validate(with_subject(event, "hearing_id"))
    hearing = Hearing(hearing_id=data.hearing_id, case_id=data.case_id, starts_at=data.starts_at, court=data.court,
                      city=data.city, status="scheduled", revision=event.id, revised_at=event.envelope.time,
                      court_code=data.court_code)
    applied = await deps.hearings.apply(hearing, data.victim_ids)
    if applied == "outdated":
        return  # older than what notify already knows; a redelivery of the current one plans what is missing
    ctx = consumer_context(event, actor=ACTOR)
    if applied != "first":  # a hearing notify had no copy of has nothing planned about it yet
        await _cancel_outdated(deps, hearing.hearing_id, event.id, cancelled=False, ctx=ctx)
    for victim_id in dict.fromkeys(data.victim_ids):
        await plan_hearing_messages(deps, kind, hearing, victim_id, ctx)


async def plan_hearing_messages(deps: Deps, kind: MessageKind, hearing: Hearing, victim_id: str,
                                ctx: CommandContext) -> None:
    """The notice and reminders of a hearing's current revision for one victim (derived ids: never twice)."""
    audience = await audience_for(deps, victim_id)
    if audience is not None:
        settings = deps.settings
        await schedule(deps, plan_hearing_notice(
            kind, audience, hearing, cause_event_id=hearing.revision, now=deps.core.clock(),
            offsets_hours=settings.reminder_offsets_hours, min_lead_hours=settings.reminder_min_lead_hours,
            urgent_kinds=settings.urgent_kinds), ctx)


async def notify_hearing_cancelled(event: ConsumedEvent, deps: Deps) -> None:
    """Remove the hearing's pending notices and reminders, and tell the victims it is cancelled."""
    data = HearingCancelledV1.model_validate(with_subject(event, "hearing_id"))
    hearing = _cancelled_hearing(data, await deps.hearings.get(data.hearing_id), event)
    if hearing is None:
        return  # no date to mention
    applied = await deps.hearings.apply(hearing, data.victim_ids)
    if applied == "outdated":
        return  # an event older than notify's copy
    ctx = consumer_context(event, actor=ACTOR)
    if applied != "first":
        await _cancel_outdated(deps, hearing.hearing_id, event.id, cancelled=True, ctx=ctx)
    for victim_id in dict.fromkeys(data.victim_ids):
        audience = await audience_for(deps, victim_id)
        now = deps.core.clock()
        if audience is not None and hearing.starts_at > now:
            planned = plan(MessageKind.HEARING_CANCELLED, audience, cause_event_id=event.id, now=now,
                           urgent_kinds=deps.settings.urgent_kinds, hearing=hearing, expires_at=hearing.starts_at)
            await schedule(deps, [planned], ctx)


def _cancelled_hearing(data: HearingCancelledV1, known: Hearing | None, event: ConsumedEvent) -> Hearing | None:
    """The hearing as cancelled: the event's facts first, notify's copy for what the event leaves out."""
    starts_at = data.starts_at or (known.starts_at if known else None)
    if starts_at is None:
        return None
    return Hearing(hearing_id=data.hearing_id, case_id=data.case_id or (known.case_id if known else None),
                   starts_at=starts_at, court=data.court or (known.court if known else ""),
                   city=data.city or (known.city if known else ""), status="cancelled", revision=event.id,
                   revised_at=event.envelope.time, court_code=data.court_code or (known.court_code if known else ""))


async def _cancel_outdated(deps: Deps, hearing_id: str, current_event_id: str, *, cancelled: bool,
                           ctx: CommandContext) -> None:
    """Cancel pending messages about the hearing that an older event of it planned."""

    def reason_for(delivery: Delivery) -> CancelReason | None:
        if delivery.cause_event_id == current_event_id:
            return None
        if cancelled:
            return "hearing_cancelled"
        return "hearing_moved" if delivery.kind == MessageKind.HEARING_REMINDER else "superseded"

    await cancel_pending(deps, await deps.queue.ids_for_hearing(hearing_id), reason_for, ctx)
