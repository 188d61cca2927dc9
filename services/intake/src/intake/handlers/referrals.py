"""Casework's answers to referrals: each answer kept once (consumers), shown to the referring organisation (reads)."""

from __future__ import annotations

from servicekit.api import Caller
from servicekit.commands import audit_reads
from servicekit.consumer import ConsumedEvent
from servicekit.errors import NotFound

from ..bootstrap import Deps
from ..consumed import (
    CaseOpenedV1,
    CaseVictimJoinedV1,
    CaseVictimRemovedV1,
    ReferralAcceptedV1,
    ReferralDeclinedV1,
    ReferralTransferredV1,
)
from ..domain.access import manages_victim
from ..domain.referral_status import AnswerKind, ReferralAnswer, ReferralStatus
from ..domain.victim import VICTIM
from . import viewer


async def _keep(event: ConsumedEvent, deps: Deps, kind: AnswerKind, referral_id: str, **facts: str | None) -> None:
    await deps.answers.record(event.id, ReferralAnswer(referral_id=referral_id, kind=kind, at=event.envelope.time,
                                                       **facts))


async def record_acceptance(event: ConsumedEvent, deps: Deps) -> None:
    """A legal-aid organisation accepted the referral."""
    data = ReferralAcceptedV1.model_validate(event.data)
    await _keep(event, deps, "accepted", data.referral_id, organisation=data.organisation, case_id=data.case_id)


async def record_decline(event: ConsumedEvent, deps: Deps) -> None:
    """A legal-aid organisation declined the referral, with a reason code."""
    data = ReferralDeclinedV1.model_validate(event.data)
    await _keep(event, deps, "declined", data.referral_id, organisation=data.organisation, reason=data.reason)


async def record_transfer(event: ConsumedEvent, deps: Deps) -> None:
    """The referral was passed on to another legal-aid organisation."""
    data = ReferralTransferredV1.model_validate(event.data)
    await _keep(event, deps, "transferred", data.referral_id, organisation=data.to_organisation,
                from_organisation=data.from_organisation)


async def record_case_opened(event: ConsumedEvent, deps: Deps) -> None:
    """The case of an accepted referral was opened."""
    data = CaseOpenedV1.model_validate(event.data)
    await _keep(event, deps, "case_opened", data.referral_id, organisation=data.organisation, case_id=data.case_id)


async def record_case_joined(event: ConsumedEvent, deps: Deps) -> None:
    """The referral's victim joined an existing case (a collective complaint)."""
    data = CaseVictimJoinedV1.model_validate(event.data)
    await _keep(event, deps, "joined_case", data.referral_id, case_id=data.case_id)


async def record_case_left(event: ConsumedEvent, deps: Deps) -> None:
    """The referral's victim left the case it led to (consent withdrawn or erased); the others' case goes on."""
    data = CaseVictimRemovedV1.model_validate(event.data)
    if data.referral_id is not None:
        await _keep(event, deps, "left_case", data.referral_id, case_id=data.case_id, reason=data.reason)


async def referrals_of_victim(deps: Deps, caller: Caller, victim_id: str) -> list[ReferralStatus]:
    """A victim's referrals with casework's answers, for the organisation that referred her; audited."""
    state = (await deps.store.load(VICTIM, victim_id)).state
    if state is None or not manages_victim(viewer(caller), state.organisation):
        raise NotFound("victim_not_found")
    found = await deps.answers.statuses_of([state])
    await audit_read_statuses(deps, caller, found)
    return found


async def audit_read_statuses(deps: Deps, caller: Caller, found: list[ReferralStatus]) -> None:
    """One allowed-read entry per referral status shown."""
    await audit_reads(deps.core.audit, caller, "referral.status_read", "referral", [s.referral_id for s in found],
                      purpose="referral follow-up", owners=[caller.organisation] * len(found))
