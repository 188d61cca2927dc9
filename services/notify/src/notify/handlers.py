"""One async function per consumed event; each is idempotent (ids derived from the event)."""

from __future__ import annotations

from functools import partial
from typing import Any

from servicekit.audit import AuditEntry
from servicekit.consumer import ConsumedEvent
from servicekit.eventstore import CommandContext

from .bootstrap import Deps
from .channels import DeliveryReport, InboundSms
from .consumed import (
    CaseStageChangedV1,
    CaseVictimRemovedV1,
    HearingCancelledV1,
    HearingV1,
    ReferralAcceptedV1,
    VictimConsentChangedV1,
    VictimErasedV1,
    VictimRegisteredV1,
)
from .domain import lifecycle
from .domain.contact import InvalidPhone, phone_index_key
from .domain.delivery import DELIVERY, CancelReason, Delivery
from .domain.messages import MessageKind
from .domain.opt_out import is_opt_out
from .domain.planning import plan, plan_hearing_notice, stage_is_notified
from .domain.recipient import Hearing
from .scheduling import always, audience_for, cancel_pending, consumer_context, schedule


def _with_subject(event: ConsumedEvent, field: str) -> dict[str, Any]:
    """The event data, with the aggregate id from the envelope when the data omits it."""
    return {field: event.envelope.subject, **event.data}


async def register_recipient(event: ConsumedEvent, deps: Deps) -> None:
    """Keep a newly registered victim's preferences and encrypted contact (consent follows separately)."""
    data = VictimRegisteredV1.model_validate(_with_subject(event, "victim_id"))
    await deps.recipients.register(data.victim_id, preferences=data.notifications.as_update(),
                                   phone_ciphertext=data.phone_ciphertext, email_ciphertext=data.email_ciphertext,
                                   now=event.envelope.time, organisation=data.organisation)


async def change_recipient_consent(event: ConsumedEvent, deps: Deps) -> None:
    """Apply a consent change; a withdrawal cancels every message not yet sent."""
    data = VictimConsentChangedV1.model_validate(_with_subject(event, "victim_id"))
    granted = data.notifications.granted
    await deps.recipients.change_consent(data.victim_id, consent=granted, preferences=data.notifications.as_update(),
                                         version=data.version, at=event.envelope.time)
    current = await deps.recipients.get(data.victim_id)
    # Only while this event is the victim's current consent: a replayed older withdrawal cancels nothing.
    if not granted and current is not None and current.consent_version == data.version:
        deps.keys.forget(data.victim_id)
        pending = await deps.queue.ids_for_victim(data.victim_id)
        await cancel_pending(deps, pending, always("no_consent"), consumer_context(event))


async def erase_recipient(event: ConsumedEvent, deps: Deps) -> None:
    """Forget the contact and the cached key at once, and cancel pending messages and reminders."""
    data = VictimErasedV1.model_validate(_with_subject(event, "victim_id"))
    deps.keys.forget(data.victim_id)
    await deps.recipients.erase(data.victim_id, at=event.envelope.time)
    pending = await deps.queue.ids_for_victim(data.victim_id)
    await cancel_pending(deps, pending, always("erased"), consumer_context(event))


async def forget_case_for_victim(event: ConsumedEvent, deps: Deps) -> None:
    """A victim left a collective case: nothing more about that case reaches her (her other messages stay)."""
    data = CaseVictimRemovedV1.model_validate(_with_subject(event, "case_id"))
    reason: CancelReason = "erased" if data.reason == "victim_erased" else "no_consent"

    def about_that_case(delivery: Delivery) -> CancelReason | None:
        return reason if delivery.case_id == data.case_id else None

    await cancel_pending(deps, await deps.queue.ids_for_victim(data.victim_id), about_that_case,
                         consumer_context(event))


async def notify_referral_accepted(event: ConsumedEvent, deps: Deps) -> None:
    """Tell the victim an organisation took their case (no details: whom to call)."""
    data = ReferralAcceptedV1.model_validate(event.data)
    audience = await audience_for(deps, data.victim_id)
    if audience is not None:
        planned = plan(MessageKind.REFERRAL_ACCEPTED, audience, cause_event_id=event.id, now=deps.clock(),
                       urgent_kinds=deps.settings.urgent_kinds, case_id=data.case_id)
        await schedule(deps, [planned], consumer_context(event))


async def notify_stage_changed(event: ConsumedEvent, deps: Deps) -> None:
    """Tell the victims of a case that it moved, for the configured stages only."""
    data = CaseStageChangedV1.model_validate(_with_subject(event, "case_id"))
    if not stage_is_notified(data.to_stage, deps.settings.notify_stages):
        return
    for victim_id in dict.fromkeys(data.victim_ids):
        audience = await audience_for(deps, victim_id)
        if audience is not None:
            planned = plan(MessageKind.CASE_STAGE_CHANGED, audience, cause_event_id=event.id, now=deps.clock(),
                           urgent_kinds=deps.settings.urgent_kinds, case_id=data.case_id)
            await schedule(deps, [planned], consumer_context(event))


async def notify_hearing_scheduled(event: ConsumedEvent, deps: Deps) -> None:
    """Tell the victims when and where the hearing is, and plan the reminders before it."""
    await _hearing_set(event, deps, MessageKind.HEARING_SCHEDULED)


async def notify_hearing_rescheduled(event: ConsumedEvent, deps: Deps) -> None:
    """Tell the victims the new date; the old notice and reminders are cancelled, new ones planned."""
    await _hearing_set(event, deps, MessageKind.HEARING_RESCHEDULED)


async def _hearing_set(event: ConsumedEvent, deps: Deps, kind: MessageKind) -> None:
    data = HearingV1.model_validate(_with_subject(event, "hearing_id"))
    hearing = Hearing(hearing_id=data.hearing_id, case_id=data.case_id, starts_at=data.starts_at, court=data.court,
                      city=data.city, status="scheduled", revision=event.id, revised_at=event.envelope.time,
                      court_code=data.court_code)
    if await deps.hearings.apply(hearing, data.victim_ids) == "outdated":
        return  # older than what notify already knows; a redelivery of the current one plans what is missing
    ctx = consumer_context(event)
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
            kind, audience, hearing, cause_event_id=hearing.revision, now=deps.clock(),
            offsets_hours=settings.reminder_offsets_hours, min_lead_hours=settings.reminder_min_lead_hours,
            urgent_kinds=settings.urgent_kinds), ctx)


async def notify_hearing_cancelled(event: ConsumedEvent, deps: Deps) -> None:
    """Remove the hearing's pending notices and reminders, and tell the victims it is cancelled."""
    data = HearingCancelledV1.model_validate(_with_subject(event, "hearing_id"))
    hearing = _cancelled_hearing(data, await deps.hearings.get(data.hearing_id), event)
    if hearing is None or await deps.hearings.apply(hearing, data.victim_ids) == "outdated":
        return  # no date to mention, or an event older than notify's copy
    ctx = consumer_context(event)
    await _cancel_outdated(deps, hearing.hearing_id, event.id, cancelled=True, ctx=ctx)
    for victim_id in dict.fromkeys(data.victim_ids):
        audience = await audience_for(deps, victim_id)
        if audience is not None and hearing.starts_at > deps.clock():
            planned = plan(MessageKind.HEARING_CANCELLED, audience, cause_event_id=event.id, now=deps.clock(),
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


async def apply_delivery_report(deps: Deps, report: DeliveryReport) -> bool:
    """Apply an authenticated provider report to its delivery; False when the message is not ours."""
    delivery_id = await deps.providers.delivery_for(report.provider, report.provider_message_id)
    if delivery_id is None:
        await _keep_unmatched(deps, report)
        return False
    decide = partial(lifecycle.apply_report, now=deps.clock(), provider=report.provider, status=report.status,
                     error_code=report.error_code)
    await deps.store.execute(DELIVERY, delivery_id, decide, context=CommandContext(actor=f"provider:{report.provider}"))
    return True


async def _keep_unmatched(deps: Deps, report: DeliveryReport) -> None:
    """A report for a message id we never linked may settle an interrupted send: keep it for the reconciler."""
    secret = deps.settings.phone_index_key
    if secret is None or report.to_number is None or report.status not in ("delivered", "failed"):
        return
    try:
        key = phone_index_key(secret.get_secret_value().encode(), report.to_number, deps.settings.default_country_code)
    except InvalidPhone:
        return
    await deps.providers.keep_unmatched(report.provider, report.provider_message_id, phone_key=key,
                                        status=report.status, error_code=report.error_code, at=deps.clock())


async def opt_out_by_reply(deps: Deps, inbound: InboundSms) -> int:
    """A STOP reply: every victim reachable on that number gets nothing more; returns how many."""
    secret = deps.settings.phone_index_key
    if secret is None or not is_opt_out(inbound.text):
        return 0
    try:
        key = phone_index_key(secret.get_secret_value().encode(), inbound.from_number,
                              deps.settings.default_country_code)
    except InvalidPhone:
        return 0
    victim_ids = await deps.recipients.victims_for_phone(key)
    await deps.recipients.opt_out(victim_ids, at=deps.clock())
    ctx = CommandContext(actor=f"provider:{inbound.provider}")
    for victim_id in victim_ids:
        await deps.core.audit.record(AuditEntry(
            actor=ctx.actor, action="recipient.opted_out", resource_type="victim", resource_id=victim_id,
            purpose="opt-out by SMS reply", outcome="allowed", correlation_id=ctx.correlation_id,
            owner_organisation=await deps.recipients.owner(victim_id)))
        await cancel_pending(deps, await deps.queue.ids_for_victim(victim_id), always("opted_out"), ctx)
    return len(victim_ids)
