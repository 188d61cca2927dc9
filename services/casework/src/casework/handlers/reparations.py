"""Commands on reparations; each checks first that the caller may see the reparation's case."""

from __future__ import annotations

from datetime import date
from functools import partial

from servicekit.auth import Principal
from servicekit.errors import NotFound
from servicekit.eventstore import CommandContext
from servicekit.ids import new_id

from ..bootstrap import Deps
from ..domain import reparation
from ..domain.case import require_open
from ..domain.reparation import REPARATION, PaymentStatus, Reparation
from .common import read_case, today


async def request_reparation(deps: Deps, ctx: CommandContext, principal: Principal, case_id: str, *, measure: str,
                             requested_amount_xof: int | None) -> Reparation:
    """Record a reparation measure requested for the victims of a case."""
    case = await read_case(deps, principal, case_id, purpose="request reparation")
    require_open(case)
    reparation_id = new_id()
    decide = partial(reparation.request, reparation_id=reparation_id, case_id=case_id, victim_ids=case.victim_ids,
                     measure=measure, requested_amount_xof=requested_amount_xof, today=today(deps))
    return await _run(deps, ctx, reparation_id, decide)


async def read_reparation(deps: Deps, principal: Principal, reparation_id: str, *, purpose: str) -> Reparation:
    """A reparation of a case the caller may see (else 404)."""
    found = (await deps.store.load(REPARATION, reparation_id)).state
    if found is None:
        raise NotFound("reparation_not_found")
    try:
        await read_case(deps, principal, found.case_id, purpose=purpose)
    except NotFound:
        raise NotFound("reparation_not_found") from None
    return found


async def award_reparation(deps: Deps, ctx: CommandContext, principal: Principal, reparation_id: str, *,
                           amount_xof: int | None, awarded_by: str, awarded_on: date) -> Reparation:
    """Record the award of a requested reparation."""
    await read_reparation(deps, principal, reparation_id, purpose="record reparation award")
    decide = partial(reparation.award, amount_xof=amount_xof, awarded_by=awarded_by, awarded_on=awarded_on,
                     today=today(deps))
    return await _run(deps, ctx, reparation_id, decide)


async def record_payment(deps: Deps, ctx: CommandContext, principal: Principal, reparation_id: str, *,
                         payment_status: PaymentStatus, amount_xof: int | None, paid_on: date) -> Reparation:
    """Record a payment (or non-payment) against an awarded reparation."""
    await read_reparation(deps, principal, reparation_id, purpose="record reparation payment")
    decide = partial(reparation.record_payment, payment_status=payment_status, amount_xof=amount_xof,
                     paid_on=paid_on, today=today(deps))
    return await _run(deps, ctx, reparation_id, decide)


async def _run(deps: Deps, ctx: CommandContext, reparation_id: str, decide: partial[list]) -> Reparation:  # type: ignore[type-arg]
    committed = await deps.store.execute(REPARATION, reparation_id, decide, context=ctx)
    assert committed.state is not None
    return committed.state
