"""Commands on the referral inbox, and the opening of the one case an accepted referral yields."""

from __future__ import annotations

from functools import partial

from servicekit.consumer import ConsumedEvent
from servicekit.eventstore import CommandContext

from ..bootstrap import Deps
from ..domain import case_commands, referral
from ..domain.case import CASE, case_id_for, open_case
from ..domain.referral import REFERRAL
from .common import consumer_context, today
from .intake_events import flags_at_receipt


async def accept_referral(deps: Deps, ctx: CommandContext, *, referral_id: str, organisation: str,
                          lawyers: list[str], court: str | None) -> str:
    """Accept a pending referral for the caller's organisation and open its case; returns the case id."""
    case_id = case_id_for(referral_id)
    decide = partial(referral.accept, case_id=case_id, organisation=organisation, lawyers=lawyers, court=court)
    await deps.store.execute(REFERRAL, referral_id, decide, context=ctx)
    await open_case_of_referral(deps, ctx, referral_id)
    return case_id


async def decline_referral(deps: Deps, ctx: CommandContext, *, referral_id: str, organisation: str,
                           reason: str) -> None:
    """Decline a pending referral with a reason code."""
    await deps.store.execute(REFERRAL, referral_id, partial(referral.decline, organisation=organisation,
                                                             reason=reason), context=ctx)


async def open_case_of_referral(deps: Deps, ctx: CommandContext, referral_id: str) -> None:
    """Open the case of an accepted referral unless it is open already, carrying the victim's flags over."""
    accepted = (await deps.store.load(REFERRAL, referral_id)).state
    if accepted is None or accepted.status != "accepted" or accepted.case_id is None:
        return
    decide = partial(open_case, case_id=accepted.case_id, referral_id=referral_id,
                     organisation=accepted.organisation or "", victim_id=accepted.victim_id,
                     incident_ids=accepted.incident_ids, lawyers=accepted.lawyers, court=accepted.court,
                     today=today(deps))
    # No idempotency key on purpose: the API and the healing consumer may open the same case at once, and
    # a key would give both the same event ids, colliding in the outbox (kit: a BulkWriteError, not a lost
    # race). With random ids the loser loses on the commit `_id`, reloads, finds the case and does nothing.
    await deps.store.execute(CASE, accepted.case_id, decide, context=ctx)
    # Read the victim's status only after the case exists: a consent or erasure handler that scanned
    # for cases before it existed wrote that status first, so one of the two always flags the case.
    status = await deps.victims.status(accepted.victim_id)
    for flag in sorted({*accepted.flags, *flags_at_receipt(status, accepted.referred_at)}):
        await deps.store.execute(CASE, accepted.case_id,
                                 partial(case_commands.flag, victim_id=accepted.victim_id, flag=flag),  # type: ignore[arg-type]
                                 context=ctx)


async def ensure_case_opened(event: ConsumedEvent, deps: Deps) -> None:
    """On our own referral.accepted: open the case if the accepting request died before it did."""
    await open_case_of_referral(deps, consumer_context(event), event.envelope.subject)
