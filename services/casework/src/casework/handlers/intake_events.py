"""Handlers of intake's events: referrals into the inbox; consent withdrawals and erasures take the victim out of
her collective cases (the last victim of a case flags it) and flag her referrals.

Each is idempotent: inbox entries are keyed by intake's referral id, effects carry idempotency keys
derived from the consumed event, and flags are no-ops when already set.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from servicekit.commands import consumer_context
from servicekit.consumer import ConsumedEvent
from servicekit.errors import InvalidInput
from servicekit.ids import derived_id

from ..bootstrap import Deps
from ..consumed import ConsentChangedV1, VictimErasedV1, VictimReferredV1
from ..domain import case_commands, referral
from ..domain.case import CASE, Flag
from ..domain.referral import REFERRAL
from ..projections import VictimStatus
from .collective import leave_case

# Effects of consumed events are casework's own doing.
ACTOR = "svc-casework"


def flags_at_receipt(status: VictimStatus, referred_at: datetime) -> list[Flag]:
    """Flags a referral gets if the victim's erasure or a later withdrawal arrived before it."""
    flags: list[Flag] = []
    if status.erased:
        flags.append("victim_erased")
    withdrawn_later = status.consent_as_of is not None and status.consent_as_of > referred_at
    if status.legal_support is False and withdrawn_later:
        flags.append("consent_withdrawn")
    return flags


async def receive_referral(event: ConsumedEvent, deps: Deps) -> None:
    """Put a referred victim in the inbox (once), keeping only the ciphertext of their name."""
    data = VictimReferredV1.model_validate(event.data)
    # Intake keys the event by victim (it is an event of its victim aggregate, on intake.victims); the
    # inbox entry is keyed by the referral id either way, so any subject naming one of the two is fine.
    if event.envelope.subject not in (data.referral_id, data.victim_id):
        raise InvalidInput("event_subject_mismatch", field="referral_id")
    referred_at = data.referred_at or event.envelope.time
    await deps.victims.record_owner(data.victim_id, data.referring_organisation)
    status = await deps.victims.status(data.victim_id)
    if data.name_ciphertext and not status.erased:
        await deps.victims.keep_name(data.victim_id, data.name_ciphertext)
    decide = partial(referral.receive, referral_id=data.referral_id, victim_id=data.victim_id, needs=data.needs,
                     urgency=data.urgency, incident_ids=data.incident_ids,
                     referring_organisation=data.referring_organisation,
                     receiving_organisation=data.receiving_organisation, referred_at=referred_at,
                     flags=flags_at_receipt(status, referred_at))
    # A referral id is new to casework; a redelivery's commit collides and the retry answers it from its key.
    await deps.core.store.execute(REFERRAL, data.referral_id, decide, context=consumer_context(event, actor=ACTOR),
                                  idempotency_key=event.effect_key("receive_referral"), creates=True)


async def apply_consent_change(event: ConsumedEvent, deps: Deps) -> None:
    """Flag (or unflag) the victim's cases and pending referrals when legal-support consent changes."""
    data = ConsentChangedV1.model_validate(event.data)
    before = await deps.victims.status(data.victim_id)
    await deps.victims.record_consent(data.victim_id, data.legal_support, as_of=event.envelope.time,
                                      version=data.version, sharing=data.sharing)
    # Act on the newest consent recorded, not on this event: a late, older event must not win.
    status = await deps.victims.status(data.victim_id)
    withdrawn = status.legal_support is False
    # A key released for an organisation the victim no longer shares with must not outlive the change.
    deps.names.forget(data.victim_id)
    if not withdrawn and not status.ever_withdrawn and before.legal_support is not False:
        return  # never withdrawn (a registration's consent): no case or referral of hers carries the flag
    await _set_flag(event, deps, data.victim_id, "consent_withdrawn", on=withdrawn)


async def apply_erasure(event: ConsumedEvent, deps: Deps) -> None:
    """Remove what identifies an erased victim: she leaves her collective cases (her notes shredded), the cases
    she was alone in are flagged (all their notes shredded), her referrals flagged."""
    data = VictimErasedV1.model_validate(event.data)
    await deps.victims.record_erasure(data.victim_id, data.erased_at)
    deps.names.forget(data.victim_id)
    await _set_flag(event, deps, data.victim_id, "victim_erased", on=True)


async def _set_flag(event: ConsumedEvent, deps: Deps, victim_id: str, flag: Flag, *, on: bool) -> None:
    ctx = consumer_context(event, actor=ACTOR)
    for case_id in await deps.queries.case_ids_of_victim(victim_id):
        key = derived_id(event.effect_key("flag_case"), case_id)
        if on:
            await leave_case(deps, ctx, case_id, victim_id, flag, idempotency_key=key)
        else:
            clear = partial(case_commands.clear_flag, victim_id=victim_id, flag=flag)
            await deps.core.store.execute(CASE, case_id, clear, context=ctx, idempotency_key=key)
    referral_decide = referral.flag if on else referral.clear_flag
    for referral_id in await deps.queries.referral_ids_of_victim(victim_id):
        await deps.core.store.execute(REFERRAL, referral_id, partial(referral_decide, flag=flag), context=ctx,
                                      idempotency_key=derived_id(event.effect_key("flag_referral"), referral_id))
