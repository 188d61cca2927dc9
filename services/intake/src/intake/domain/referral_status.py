"""Where a referral stands, as the referring organisation sees it: folded from casework's answers (no I/O).

Casework answers on its own topic and in its own order: passed on to another organisation, accepted
(a case opened, or the victim joined an existing one), declined with a reason code. Each answer is kept
as one fact; the status is the fold of the facts, so the order they arrive in does not matter.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .victim import Referral

AnswerKind = Literal["transferred", "accepted", "declined", "case_opened", "joined_case", "left_case"]
Status = Literal["pending", "accepted", "declined", "joined_case"]


class ReferralAnswer(BaseModel):
    """One fact casework published about a referral (codes and ids only)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    referral_id: str
    kind: AnswerKind
    at: datetime
    organisation: str | None = None
    from_organisation: str | None = None
    reason: str | None = None
    case_id: str | None = None


class ReferralStatus(BaseModel):
    """A referral and the answer it got so far."""

    referral_id: str = Field(description="Id of the referral")
    victim_id: str = Field(description="Pseudonymous id of the victim referred")
    needs: list[str]
    urgency: str
    incident_ids: list[str]
    status: Status = Field(description="pending, accepted (a case opened), declined, or joined_case (the victim "
                                       "joined an existing case, e.g. a collective complaint)")
    receiving_organisation: str | None = Field(
        description="The organisation the referral is addressed to now (after any passing on)")
    passed_on_by: list[str] = Field(description="Organisations that passed the referral on, in order")
    decided_by: str | None = Field(description="The legal-aid organisation that accepted or declined it")
    decline_reason: str | None = Field(description="Decline reason code (casework's decline_reasons vocabulary)")
    case_id: str | None = Field(description="The case the victim is represented in, once accepted")
    case_opened: bool = Field(description="Casework opened (or the victim joined) that case")
    left_case: bool = Field(description="The victim later left the case (consent withdrawn or erased)")
    updated_at: datetime | None = Field(description="When casework last answered")


def status_of(victim_id: str, referral: Referral, answers: list[ReferralAnswer]) -> ReferralStatus:
    """The referral's status from every answer known, whatever order they arrived in."""
    ordered = sorted(answers, key=lambda a: a.at)
    by_kind = {a.kind: a for a in ordered}  # the latest answer of each kind
    transfers = [a for a in ordered if a.kind == "transferred"]
    decided = by_kind.get("accepted") or by_kind.get("declined")
    joined = by_kind.get("joined_case")
    status: Status = "pending"
    if joined is not None:
        status = "joined_case"
    elif decided is not None:
        status = "accepted" if decided.kind == "accepted" else "declined"
    case_id = next((a.case_id for a in (joined, by_kind.get("accepted"), by_kind.get("case_opened")) if a), None)
    return ReferralStatus(
        referral_id=referral.referral_id, victim_id=victim_id, needs=list(referral.needs), urgency=referral.urgency,
        incident_ids=list(referral.incident_ids), status=status,
        receiving_organisation=transfers[-1].organisation if transfers else referral.receiving_organisation,
        passed_on_by=[a.from_organisation for a in transfers if a.from_organisation],
        decided_by=decided.organisation if decided else (joined.organisation if joined else None),
        decline_reason=decided.reason if decided and decided.kind == "declined" else None,
        case_id=case_id, case_opened="case_opened" in by_kind or joined is not None,
        left_case="left_case" in by_kind, updated_at=ordered[-1].at if ordered else None)
