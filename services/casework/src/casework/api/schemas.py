"""Request and response schemas (XCreate / XUpdate / XPublic). Inputs forbid unknown fields."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from ..domain.case import MAX_LAWYERS, Case
from ..domain.common import ID_PATTERN, ORGANISATION_PATTERN, SUBJECT_PATTERN
from ..domain.hearing import Hearing
from ..domain.procedure import DOMESTIC
from ..domain.referral import Referral
from ..domain.reparation import MAX_AMOUNT_XOF, Reparation
from ..domain.task import Task

P = TypeVar("P", bound=BaseModel)
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_-]+$")]
LawyerId = Annotated[str, Field(pattern=SUBJECT_PATTERN, description="Subject (staff id) of a lawyer")]
AmountXof = Annotated[StrictInt, Field(gt=0, le=MAX_AMOUNT_XOF, description="Whole francs CFA (XOF)")]
# A chamber is a formation of a court ("Chambre criminelle"), not a place for narrative.
Chamber = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[\w .,'’()-]+$")]


class Input(BaseModel):
    """Base of request bodies: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class ReferralAccept(Input):
    """Accept a referral: either open a new case (lawyers who take it, the court if already known), or, with
    `case_id`, add the victim to an existing open case of the caller's organisation (e.g. a collective complaint)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"lawyers": ["lawyer-1"]}]})

    lawyers: list[LawyerId] = Field(default_factory=list, max_length=MAX_LAWYERS,
                                    description="Lawyers assigned to the new case (at least one); omitted with case_id")
    court: Code | None = Field(default=None, description="Court code (GET /vocabularies/courts); omitted with case_id")
    case_id: str | None = Field(default=None, pattern=ID_PATTERN,
                                description="Existing case the victim joins (keeping its lawyers and court)")


class ReferralTransfer(Input):
    """Pass the referral on to another legal-aid organisation the victim consented to share with
    (its `can_transfer_to`)."""

    organisation: str = Field(pattern=ORGANISATION_PATTERN, description="Code of the receiving organisation")


class ReferralDecline(Input):
    """Decline a referral with a reason code (GET /vocabularies/terms/decline_reasons)."""

    reason: Code


class StageChange(Input):
    """Move one track of a case to its next stage."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"to_stage": "complaint_civil_party"}]})

    to_stage: Code = Field(description="Target stage (GET /vocabularies/procedure)")
    track: Code = Field(default=DOMESTIC, description="'domestic' or an international track")
    closure_reason: Code | None = Field(default=None, description="Required when closing the domestic track")
    effective_on: date | None = Field(default=None, description="Date of the procedural act; today by default")


class LawyerAssign(Input):
    """Assign one more lawyer."""

    lawyer_id: LawyerId


class CourtChange(Input):
    """The court now seized of the case."""

    court: Code


class NoteCreate(Input):
    """A privileged note: encrypted at rest, never in events or logs. In a collective case, name the victim it is
    about: it leaves with her; a note naming no victim is about the collective proceedings and must not
    identify anyone (in a case of one victim, every note is about her)."""

    text: str = Field(min_length=1, max_length=20_000)
    victim_id: str | None = Field(default=None, pattern=ID_PATTERN, description="The victim of the case it is about")


class HearingCreate(Input):
    """Schedule a hearing; a date-time without offset is read as Africa/Bamako time."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"court": "ml-tgi-bamako-c1",
         "starts_at": "2026-03-10T09:30:00+00:00",
         "purpose": "civil_party_hearing"}
    ]})

    court: Code
    chamber: Chamber | None = None
    starts_at: datetime
    ends_at: datetime | None = None
    purpose: Code = Field(description="GET /vocabularies/terms/hearing_purposes")


class HearingReschedule(Input):
    """Postpone a hearing (GET /vocabularies/terms/postponement_reasons)."""

    starts_at: datetime
    ends_at: datetime | None = None
    reason: Code


class HearingHeldRecord(Input):
    """The outcome of a hearing that took place (GET /vocabularies/terms/hearing_outcomes)."""

    outcome: Code


class HearingCancel(Input):
    """Why a hearing is cancelled (GET /vocabularies/terms/cancellation_reasons)."""

    reason: Code


class ReparationCreate(Input):
    """A reparation measure requested (GET /vocabularies/terms/reparation_measures)."""

    measure: Code
    requested_amount_xof: AmountXof | None = None


class ReparationAward(Input):
    """The award of a requested reparation; compensation needs its amount."""

    amount_xof: AmountXof | None = None
    awarded_by: Code = Field(description="Court code of the deciding court or body")
    awarded_on: date


class PaymentCreate(Input):
    """A payment against an award, or the finding that nothing was paid."""

    payment_status: Literal["paid_in_full", "paid_in_part", "not_paid"]
    amount_xof: AmountXof | None = None
    paid_on: date


class TaskCreate(Input):
    """A deadline for one of the case's lawyers (GET /vocabularies/terms/task_kinds)."""

    assignee: LawyerId
    kind: Code
    due_on: date


class TaskComplete(Input):
    """When the task was done; today by default."""

    completed_on: date | None = None


class CaseOpenedPublic(BaseModel):
    """The case an accepted referral opened, or joined."""

    case_id: str


class ReferralPublic(Referral):
    """An inbox entry (no names: pseudonymous ids only)."""

    can_transfer_to: list[str] = Field(
        default_factory=list, description="Legal-aid organisations the victim shares with, other than the "
                                          "addressee: where this pending referral may be passed on")


class CasePublic(Case):
    """A case, with the stages each track may move to next."""

    allowed_next: dict[str, list[str]] = Field(description="Next stages per track")


class HearingPublic(Hearing):
    """A hearing."""


class ReparationPublic(Reparation):
    """A reparation."""


class TaskPublic(Task):
    """A task, flagged when overdue."""

    is_overdue: bool


class NoteCreated(BaseModel):
    """Id of the stored note."""

    id: str


class NotePublic(BaseModel):
    """A decrypted note, for a lawyer of the case."""

    id: str
    author: str
    created_at: datetime
    text: str
    victim_id: str | None = Field(default=None, description="The victim it is about; none: the collective "
                                                            "proceedings")


class VictimNamePublic(BaseModel):
    """A victim's name, revealed at request time to a lawyer of the case (not cached, not stored)."""

    victim_id: str
    name: str


class FeedCreated(BaseModel):
    """A calendar feed: the URL holds the only copy of its secret, shown once."""

    feed_id: str
    url_path: str


class FeedPublic(BaseModel):
    """A calendar feed without its secret."""

    feed_id: str
    created_at: str


def public(model: type[P], record: BaseModel, **computed: Any) -> P:
    """A record as its public model, with the fields the API computes for it (the one converter of every record)."""
    return model.model_validate({**record.model_dump(), **computed})
