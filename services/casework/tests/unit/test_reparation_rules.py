"""Reparations: XOF amounts, award then payments in full, in part or not paid."""

from __future__ import annotations

from datetime import date

import pytest
from casework.domain import reparation
from casework.domain.reparation import MAX_AMOUNT_XOF, REPARATION
from casework_factories import TODAY
from servicekit.errors import Conflict, InvalidInput


def requested(measure="compensation", amount=None):
    return REPARATION.fold("r-1", None, reparation.request(None, reparation_id="r-1", case_id="case-1",
                                                           victim_ids=["vic-1"], measure=measure,
                                                           requested_amount_xof=amount, today=TODAY))


def awarded(amount=1_000_000, measure="compensation"):
    state = requested(measure)
    return REPARATION.fold("r-1", state, reparation.award(state, amount_xof=amount, awarded_by="ml-tgi-mopti",
                                                          awarded_on=date(2026, 2, 1), today=TODAY))


def pay(state, status, amount):
    return REPARATION.fold("r-1", state, reparation.record_payment(state, payment_status=status, amount_xof=amount,
                                                                   paid_on=TODAY, today=TODAY))


@pytest.mark.parametrize("amount", [0, -5, MAX_AMOUNT_XOF + 1])
def test_absurd_amounts_are_invalid_input(amount):
    with pytest.raises(InvalidInput) as refused:
        requested(amount=amount)
    assert refused.value.field == "requested_amount_xof"


def test_compensation_award_needs_an_amount():
    with pytest.raises(InvalidInput) as refused:
        awarded(amount=None)
    assert refused.value.field == "amount_xof"


def test_partial_then_full_payment_adds_up_to_the_award():
    state = pay(awarded(), "paid_in_part", 400_000)
    state = pay(state, "paid_in_full", 600_000)
    assert (state.status, state.total_paid_xof, len(state.payments)) == ("paid_in_full", 1_000_000, 2)


def test_payment_exceeding_the_award_is_invalid_input():
    with pytest.raises(InvalidInput, match="payments_exceed_award") as refused:
        pay(awarded(), "paid_in_full", 1_000_001)
    assert refused.value.params["excess"] == 1


def test_full_payment_that_leaves_a_balance_is_invalid_input():
    with pytest.raises(InvalidInput) as refused:
        pay(awarded(), "paid_in_full", 999_999)
    assert refused.value.field == "payment_status"


def test_not_paid_is_recorded_without_an_amount():
    assert pay(awarded(), "not_paid", None).status == "not_paid"


def test_nothing_can_be_paid_before_the_award():
    with pytest.raises(Conflict, match="nothing_awarded_yet"):
        pay(requested(), "paid_in_part", 10)


def test_non_monetary_measure_is_implemented_without_amount():
    assert pay(awarded(amount=None, measure="satisfaction"), "paid_in_full", None).status == "paid_in_full"


def test_award_in_the_future_is_invalid_input():
    with pytest.raises(InvalidInput) as refused:
        reparation.award(requested(), amount_xof=5, awarded_by="icc", awarded_on=date(2026, 3, 3), today=TODAY)
    assert refused.value.field == "awarded_on"
