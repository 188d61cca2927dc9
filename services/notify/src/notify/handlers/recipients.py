"""Consumed intake and casework events about a victim: her preferences, consent, erasure, leaving a case."""

from __future__ import annotations

from servicekit.commands import consumer_context
from servicekit.consumer import ConsumedEvent

from ..bootstrap import Deps
from ..consumed import CaseVictimRemovedV1, VictimConsentChangedV1, VictimErasedV1, VictimRegisteredV1
from ..domain.delivery import CancelReason, Delivery
from .scheduling import ACTOR, always, cancel_pending, with_subject


async def register_recipient(event: ConsumedEvent, deps: Deps) -> None:
    """Keep a newly registered victim's preferences and encrypted contact (consent follows separately)."""
    data = VictimRegisteredV1.model_validate(with_subject(event, "victim_id"))
    await deps.recipients.register(data.victim_id, preferences=data.notifications.as_update(),
                                   phone_ciphertext=data.phone_ciphertext, email_ciphertext=data.email_ciphertext,
                                   now=event.envelope.time, organisation=data.organisation)


async def change_recipient_consent(event: ConsumedEvent, deps: Deps) -> None:
    """Apply a consent change; a withdrawal cancels every message not yet sent."""
    data = VictimConsentChangedV1.model_validate(with_subject(event, "victim_id"))
    granted = data.notifications.granted
    await deps.recipients.change_consent(data.victim_id, consent=granted, preferences=data.notifications.as_update(),
                                         version=data.version, at=event.envelope.time)
    if granted:
        return  # a grant cancels nothing
    current = await deps.recipients.get(data.victim_id)
    # Only while this event is the victim's current consent: a replayed older withdrawal cancels nothing.
    if current is not None and current.consent_version == data.version:
        deps.keys.forget(data.victim_id)
        pending = await deps.queue.ids_for_victim(data.victim_id)
        await cancel_pending(deps, pending, always("no_consent"), consumer_context(event, actor=ACTOR))


async def erase_recipient(event: ConsumedEvent, deps: Deps) -> None:
    """Forget the contact and the cached key at once, and cancel pending messages and reminders."""
    data = VictimErasedV1.model_validate(with_subject(event, "victim_id"))
    deps.keys.forget(data.victim_id)
    await deps.recipients.erase(data.victim_id, at=event.envelope.time)
    pending = await deps.queue.ids_for_victim(data.victim_id)
    await cancel_pending(deps, pending, always("erased"), consumer_context(event, actor=ACTOR))


async def forget_case_for_victim(event: ConsumedEvent, deps: Deps) -> None:
    """A victim left a collective case: nothing more about that case reaches her (her other messages stay)."""
    data = CaseVictimRemovedV1.model_validate(with_subject(event, "case_id"))
    reason: CancelReason = "erased" if data.reason == "victim_erased" else "no_consent"

    def about_that_case(delivery: Delivery) -> CancelReason | None:
        return reason if delivery.case_id == data.case_id else None

    await cancel_pending(deps, await deps.queue.ids_for_victim(data.victim_id), about_that_case,
                         consumer_context(event, actor=ACTOR))
