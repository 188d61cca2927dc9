"""The reparation aggregate: requested, awarded, then paid in full, in part or not paid (no I/O).

Amounts are whole francs CFA (XOF has no minor unit), positive and below a ceiling that only a typo
would exceed: the largest reparation orders in comparable cases (ICC collective awards) are in the
tens of billions of XOF.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, Field
from servicekit.domain import AggregateState, AggregateType, DomainEvent
from servicekit.errors import Conflict, InvalidInput, NotFound

from ..vocabularies import require_court, require_term
from .common import SafeId, require_not_future

MAX_AMOUNT_XOF = 100_000_000_000
COMPENSATION = "compensation"
PaymentStatus = Literal["paid_in_full", "paid_in_part", "not_paid"]


class ReparationRequested(DomainEvent):
    """A reparation measure was requested for the victims of a case."""

    event_type: ClassVar[str] = "casework.reparation.requested.v1"

    reparation_id: SafeId = Field(description="Reparation id")
    case_id: SafeId = Field(description="Case id")
    victim_ids: list[SafeId] = Field(description="Pseudonymous ids of the victims concerned")
    measure: str = Field(description="Measure code: restitution, compensation, rehabilitation, satisfaction, "
                                     "guarantees_of_non_repetition")
    requested_amount_xof: int | None = Field(default=None, description="Amount claimed, whole XOF, if monetary")
    requested_on: date = Field(description="Date of the request")


class ReparationAwarded(DomainEvent):
    """A court or body awarded a reparation measure."""

    event_type: ClassVar[str] = "casework.reparation.awarded.v1"

    reparation_id: SafeId = Field(description="Reparation id")
    case_id: SafeId = Field(description="Case id")
    victim_ids: list[SafeId] = Field(description="Pseudonymous ids of the victims concerned")
    measure: str = Field(description="Measure code (casework terms vocabulary, reparation_measures)")
    amount_xof: int | None = Field(default=None, description="Amount awarded, whole XOF; required for compensation")
    awarded_by: str = Field(description="Court code of the deciding court or body")
    awarded_on: date = Field(description="Date of the decision")


class ReparationPaid(DomainEvent):
    """A payment (or a recorded non-payment) against an awarded reparation."""

    event_type: ClassVar[str] = "casework.reparation.paid.v1"

    reparation_id: SafeId = Field(description="Reparation id")
    case_id: SafeId = Field(description="Case id")
    victim_ids: list[SafeId] = Field(description="Pseudonymous ids of the victims concerned")
    payment_status: PaymentStatus = Field(description="paid_in_full, paid_in_part or not_paid after this record")
    amount_xof: int | None = Field(default=None, description="Amount of this payment, whole XOF")
    total_paid_xof: int = Field(description="Total paid so far, whole XOF")
    paid_on: date = Field(description="Date of the payment (or of the finding that nothing was paid)")


class Payment(BaseModel):
    """One payment record."""

    payment_status: PaymentStatus
    amount_xof: int | None = None
    paid_on: date


class Reparation(AggregateState):
    """Current state of a reparation (the projection document)."""

    case_id: str
    victim_ids: list[str]
    measure: str
    status: Literal["requested", "awarded", "paid_in_full", "paid_in_part", "not_paid"] = "requested"
    requested_amount_xof: int | None = None
    requested_on: date
    amount_xof: int | None = None
    awarded_by: str | None = None
    awarded_on: date | None = None
    total_paid_xof: int = 0
    payments: list[Payment] = Field(default_factory=list)


def evolve(state: Reparation | None, event: DomainEvent) -> Reparation:
    """Apply one event to a reparation."""
    if isinstance(event, ReparationRequested):
        return Reparation(id=event.reparation_id, **event.model_dump(exclude={"reparation_id"}))
    assert state is not None, f"{type(event).__name__} before the reparation was requested"
    match event:
        case ReparationAwarded():
            return state.model_copy(update={"status": "awarded", "amount_xof": event.amount_xof,
                                            "awarded_by": event.awarded_by, "awarded_on": event.awarded_on})
        case ReparationPaid():
            payment = Payment(payment_status=event.payment_status, amount_xof=event.amount_xof, paid_on=event.paid_on)
            return state.model_copy(update={"status": event.payment_status, "total_paid_xof": event.total_paid_xof,
                                            "payments": [*state.payments, payment]})
    raise ValueError(f"reparation cannot apply {type(event).__name__}")


REPARATION = AggregateType(name="reparation", topic="casework.reparations", collection="reparations",
                           state_type=Reparation, events=(ReparationRequested, ReparationAwarded, ReparationPaid),
                           evolve=evolve)


def require_amount(amount: int | None, *, field_name: str) -> None:
    """An amount, when given, is a positive whole number of XOF below the ceiling."""
    if amount is None:
        return
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidInput("amount_not_positive", field=field_name)
    if amount > MAX_AMOUNT_XOF:
        raise InvalidInput("amount_too_large", field=field_name, limit=MAX_AMOUNT_XOF)


def request(state: Reparation | None, *, reparation_id: str, case_id: str, victim_ids: list[str], measure: str,
            requested_amount_xof: int | None, today: date) -> list[DomainEvent]:
    """Record that a reparation measure is requested."""
    if state is not None:
        raise Conflict("reparation_already_exists")
    require_term("reparation_measures", measure, field="measure")
    require_amount(requested_amount_xof, field_name="requested_amount_xof")
    return [ReparationRequested(reparation_id=reparation_id, case_id=case_id, victim_ids=victim_ids, measure=measure,
                                requested_amount_xof=requested_amount_xof, requested_on=today)]


def award(state: Reparation | None, *, amount_xof: int | None, awarded_by: str, awarded_on: date,
          today: date) -> list[DomainEvent]:
    """Record the award of a requested measure; compensation needs its amount."""
    reparation = _require(state)
    if reparation.status != "requested":
        raise Conflict("reparation_already_decided", current_status=reparation.status)
    require_amount(amount_xof, field_name="amount_xof")
    if reparation.measure == COMPENSATION and amount_xof is None:
        raise InvalidInput("compensation_amount_required", field="amount_xof")
    require_court(awarded_by, field="awarded_by")
    require_not_future(awarded_on, today, field_name="awarded_on")
    return [ReparationAwarded(reparation_id=reparation.id, case_id=reparation.case_id,
                              victim_ids=reparation.victim_ids, measure=reparation.measure, amount_xof=amount_xof,
                              awarded_by=awarded_by, awarded_on=awarded_on)]


def record_payment(state: Reparation | None, *, payment_status: PaymentStatus, amount_xof: int | None,
                   paid_on: date, today: date) -> list[DomainEvent]:
    """Record a payment against an award: the status must match what the amounts say."""
    reparation = _require(state)
    if reparation.status in ("requested", "paid_in_full"):
        raise Conflict("nothing_awarded_yet" if reparation.status == "requested" else "already_paid_in_full")
    require_amount(amount_xof, field_name="amount_xof")
    require_not_future(paid_on, today, field_name="paid_on")
    if reparation.awarded_on is not None and paid_on < reparation.awarded_on:
        raise InvalidInput("payment_before_award", field="paid_on")
    total = reparation.total_paid_xof + (amount_xof or 0)
    _check_payment(reparation, payment_status, amount_xof, total)
    return [ReparationPaid(reparation_id=reparation.id, case_id=reparation.case_id, victim_ids=reparation.victim_ids,
                           payment_status=payment_status, amount_xof=amount_xof, total_paid_xof=total,
                           paid_on=paid_on)]


def _check_payment(reparation: Reparation, status: PaymentStatus, amount: int | None, total: int) -> None:
    awarded = reparation.amount_xof
    if status == "not_paid":
        if amount is not None:
            raise InvalidInput("non_payment_has_no_amount", field="amount_xof")
        return
    if awarded is None:
        if amount is not None:
            raise InvalidInput("award_without_amount", field="amount_xof")
        return
    if amount is None:
        raise InvalidInput("payment_amount_required", field="amount_xof")
    if total > awarded:
        raise InvalidInput("payments_exceed_award", field="amount_xof", excess=total - awarded)
    if status == "paid_in_full" and total != awarded:
        raise InvalidInput("payment_leaves_balance", field="payment_status", balance=awarded - total)
    if status == "paid_in_part" and total == awarded:
        raise InvalidInput("payment_settles_award", field="payment_status")


def _require(state: Reparation | None) -> Reparation:
    if state is None:
        raise NotFound("reparation_not_found")
    return state
