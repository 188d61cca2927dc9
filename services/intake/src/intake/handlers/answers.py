"""Casework's answers to referrals: each answer kept once (consumers), shown to the referring organisation (reads).

Intake's own copies of the fields it reads (unknown fields ignored); ids are checked so a malformed
record goes to the dead-letter topic rather than into the store.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from servicekit.consumer import ConsumedEvent
from servicekit.errors import NotFound

from ..bootstrap import Deps
from ..domain.access import manages_victim
from ..domain.incident_facts import PSEUDONYMOUS_ID
from ..domain.referral_status import AnswerKind, ReferralAnswer, ReferralStatus
from ..domain.victim import VICTIM
from .common import Caller, audit_entry

# Deciding organisations are the case managers' token claims: any code the identity provider gives.
ORGANISATION = r"^[^\x00-\x1f\x7f]{1,100}$"


class _Consumed(BaseModel):
    model_config = ConfigDict(extra="ignore")

    referral_id: str = Field(pattern=PSEUDONYMOUS_ID)


class ReferralAcceptedV1(_Consumed):
    """casework.referral.accepted.v1"""

    case_id: str = Field(pattern=PSEUDONYMOUS_ID)
    organisation: str = Field(pattern=ORGANISATION)


class ReferralDeclinedV1(_Consumed):
    """casework.referral.declined.v1"""

    organisation: str = Field(pattern=ORGANISATION)
    reason: str = Field(max_length=64)


class ReferralTransferredV1(_Consumed):
    """casework.referral.transferred.v1"""

    from_organisation: str = Field(pattern=ORGANISATION)
    to_organisation: str = Field(pattern=ORGANISATION)


class CaseOpenedV1(_Consumed):
    """casework.case.opened.v1"""

    case_id: str = Field(pattern=PSEUDONYMOUS_ID)
    organisation: str = Field(pattern=ORGANISATION)


class CaseVictimJoinedV1(_Consumed):
    """casework.case.victim_joined.v1"""

    case_id: str = Field(pattern=PSEUDONYMOUS_ID)


class CaseVictimRemovedV1(BaseModel):
    """casework.case.victim_removed.v1 (the referral is named when casework knows it)."""

    model_config = ConfigDict(extra="ignore")

    case_id: str = Field(pattern=PSEUDONYMOUS_ID)
    referral_id: str | None = Field(default=None, pattern=PSEUDONYMOUS_ID)
    reason: str = Field(max_length=64)


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
    if state is None or not manages_victim(caller.viewer, state.organisation):
        raise NotFound("victim_not_found")
    found = await deps.answers.statuses_of(state)
    await _audit_reads(deps, caller, found)
    return found


async def referrals_of_organisation(deps: Deps, caller: Caller, *, status: str | None,
                                    limit: int) -> list[ReferralStatus]:
    """The caller's organisation's referrals with casework's answers, filtered by status; audited."""
    assert caller.organisation is not None
    found = await deps.answers.referred_by(caller.organisation, status=status, limit=limit)
    await _audit_reads(deps, caller, found)
    return found


async def _audit_reads(deps: Deps, caller: Caller, found: list[ReferralStatus]) -> None:
    await deps.core.audit.record_many([
        audit_entry(caller, "referral.status_read", "referral", status.referral_id, allowed=True,
                    purpose="referral follow-up", owner=caller.organisation) for status in found])
