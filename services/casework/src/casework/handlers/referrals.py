"""Commands on the referral inbox, and the case an accepted referral opens or joins."""

from __future__ import annotations

from functools import partial

from servicekit.api import Caller, RequestKey, command_key
from servicekit.commands import consumer_context, today_in_bamako
from servicekit.consumer import ConsumedEvent
from servicekit.errors import NotFound
from servicekit.eventstore import CommandContext
from servicekit.ids import replayed

from ..bootstrap import Deps
from ..domain import referral
from ..domain.access import CASE_MANAGER, LAWYER, case_not_found
from ..domain.case import CASE, case_id_for, open_case
from ..domain.collective import join_victim, record_join
from ..domain.referral import REFERRAL, Referral
from .access import access_of
from .collective import leave_case
from .intake_events import ACTOR, flags_at_receipt


async def shares_with(deps: Deps, referral_id: str, organisation: str) -> bool | None:
    """Whether the referral's victim shares her file with the organisation, as casework last saw her consent."""
    # The projection suffices when there is one (a referral's victim never changes); none may be one left behind.
    found = (await deps.core.store.load(REFERRAL, referral_id, probe=False)).state
    if found is None:
        found = (await deps.core.store.load(REFERRAL, referral_id)).state
    if found is None:
        return None
    return (await deps.victims.status(found.victim_id)).shares_with(organisation)


def accept_key(key: RequestKey | None, referral_id: str) -> str | None:
    """The store's key of an acceptance: one kind for both ways of accepting, so another body is a 409."""
    return command_key(key, f"accept:{referral_id}")


async def accept_referral(deps: Deps, caller: Caller, key: RequestKey | None, *, referral_id: str,
                          lawyers: list[str], court: str | None) -> str:
    """Accept a pending referral for the caller's organisation and open its case; returns the case id."""
    case_id, organisation = case_id_for(referral_id), caller.organisation or ""
    decide = partial(referral.accept, case_id=case_id, organisation=organisation, lawyers=lawyers, court=court,
                     shares=await shares_with(deps, referral_id, organisation))
    committed = await deps.core.store.execute(REFERRAL, referral_id, decide, context=caller.context,
                                              idempotency_key=accept_key(key, referral_id))
    await open_case_of_referral(deps, caller.context, referral_id, accepted=committed.state)
    return case_id


async def accept_referral_into_case(deps: Deps, caller: Caller, key: RequestKey | None, *, referral_id: str,
                                    case_id: str) -> str:
    """Accept a pending referral into an existing case of the caller's organisation (its victim joins the case).

    Every refusal comes before anything is written; the same acceptance retried changes nothing.
    """
    organisation = caller.organisation or ""
    loaded = await deps.core.store.load(REFERRAL, referral_id)
    found = loaded.state
    if found is None or not referral.sees(found, organisation):
        raise NotFound("referral_not_found")
    # The key is checked before the case's refusals, which a replay would otherwise meet in place of its answer.
    if replayed(accept_key(key, referral_id), loaded.keys) or (
            found.status == "accepted" and found.case_id == case_id and found.organisation == organisation):
        await open_case_of_referral(deps, caller.context, referral_id)  # only completes a join that died half-way
        return case_id
    case = (await deps.core.store.load(CASE, case_id)).state
    # A case manager of the organisation, or a lawyer of it assigned to the case; anyone else: not found.
    access = access_of(caller).only({CASE_MANAGER, LAWYER})
    if case is None or not access.sees(case) or case.organisation != organisation:
        raise case_not_found()
    join_victim(case, victim_id=found.victim_id, referral_id=referral_id)  # refusals only: nothing written yet
    # The referral takes the case's lawyers and court; lawyers and court are changed on the case itself.
    decide = partial(referral.accept, case_id=case_id, organisation=organisation, lawyers=case.lawyers,
                     court=case.court, shares=(await deps.victims.status(found.victim_id)).shares_with(organisation))
    await deps.core.store.execute(REFERRAL, referral_id, decide, context=caller.context,
                                  idempotency_key=accept_key(key, referral_id))
    await open_case_of_referral(deps, caller.context, referral_id)
    return case_id


async def decline_referral(deps: Deps, caller: Caller, key: RequestKey | None, *, referral_id: str,
                           reason: str) -> None:
    """Decline a pending referral with a reason code."""
    decide = partial(referral.decline, organisation=caller.organisation or "", reason=reason)
    await deps.core.store.execute(REFERRAL, referral_id, decide, context=caller.context,
                                  idempotency_key=command_key(key, f"decline:{referral_id}"))


async def transfer_referral(deps: Deps, caller: Caller, key: RequestKey | None, *, referral_id: str,
                            to: str) -> Referral:
    """Pass a pending referral on to another legal-aid organisation the victim consented to share with."""
    found = (await deps.core.store.load(REFERRAL, referral_id)).state
    sharing = (await deps.victims.status(found.victim_id)).sharing if found else None
    decide = partial(referral.transfer, organisation=caller.organisation or "", to=to, sharing=sharing)
    committed = await deps.core.store.execute(REFERRAL, referral_id, decide, context=caller.context,
                                              idempotency_key=command_key(key, f"transfer:{referral_id}"))
    assert committed.state is not None
    return committed.state


async def open_case_of_referral(deps: Deps, ctx: CommandContext, referral_id: str, *,
                                accepted: Referral | None = None, healing: bool = False) -> None:
    """Open the case of an accepted referral (or add its victim to the case it joined) unless done already,
    carrying the victim's flags over. `accepted` is the referral as its acceptance just committed it, if known."""
    if accepted is None:
        accepted = (await deps.core.store.load(REFERRAL, referral_id)).state
    if accepted is None or accepted.status != "accepted" or accepted.case_id is None:
        return
    if accepted.case_id == case_id_for(referral_id):
        decide = partial(open_case, case_id=accepted.case_id, referral_id=referral_id,
                         organisation=accepted.organisation or "", victim_id=accepted.victim_id,
                         incident_ids=accepted.incident_ids, lawyers=accepted.lawyers, court=accepted.court,
                         today=today_in_bamako(deps.core.clock))
    else:
        decide = partial(record_join, victim_id=accepted.victim_id, referral_id=referral_id)
    # No idempotency key on purpose: the API and the healing consumer may open the same case at once, and
    # a key would give both the same event ids, colliding in the outbox (kit: a BulkWriteError, not a lost
    # race). With random ids the loser loses on the commit `_id`, reloads, finds the case and does nothing.
    if not (healing and await _victim_in_case(deps, accepted.case_id, accepted.victim_id)):
        await deps.core.store.execute(CASE, accepted.case_id, decide, context=ctx)
    # Read the victim's status only after the victim is in the case: a consent or erasure handler that scanned
    # for cases before it was wrote that status first, so one of the two always flags the case.
    status = await deps.victims.status(accepted.victim_id)
    for flag in sorted({*accepted.flags, *flags_at_receipt(status, accepted.referred_at)}):
        await leave_case(deps, ctx, accepted.case_id, accepted.victim_id, flag)  # type: ignore[arg-type]


async def _victim_in_case(deps: Deps, case_id: str, victim_id: str) -> bool:
    """Whether the case's projection already counts the victim: then its commit is there too (one read)."""
    case = (await deps.core.store.load(CASE, case_id, probe=False)).state
    return case is not None and victim_id in case.victim_ids


async def ensure_case_opened(event: ConsumedEvent, deps: Deps) -> None:
    """On our own referral.accepted: open (or join) the case if the accepting request died before it did."""
    await open_case_of_referral(deps, consumer_context(event, actor=ACTOR), event.envelope.subject, healing=True)
