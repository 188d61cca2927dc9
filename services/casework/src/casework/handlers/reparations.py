"""Commands on reparations; each checks first that the caller may see the reparation's case."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial

from servicekit.api import Caller, RequestKey, command_key
from servicekit.commands import today_in_bamako
from servicekit.domain import DomainEvent
from servicekit.errors import NotFound
from servicekit.ids import new_id

from ..bootstrap import Deps
from ..domain import reparation
from ..domain.case import require_open
from ..domain.reparation import REPARATION, PaymentStatus, Reparation
from .access import read_case

ReparationDecision = Callable[[Reparation | None], Sequence[DomainEvent]]


async def request_reparation(deps: Deps, caller: Caller, key: RequestKey | None, case_id: str, *, measure: str,
                             requested_amount_xof: int | None) -> Reparation:
    """Record a reparation measure requested for the victims of a case (a retry lands on the same one)."""
    case = await read_case(deps, caller, case_id, purpose="request reparation")
    require_open(case)
    kind = f"reparation:{case_id}"
    reparation_id = key.aggregate_id(kind) if key else new_id()
    decide = partial(reparation.request, reparation_id=reparation_id, case_id=case_id, victim_ids=case.victim_ids,
                     measure=measure, requested_amount_xof=requested_amount_xof,
                     today=today_in_bamako(deps.core.clock))
    return await _run(deps, caller, reparation_id, decide, command_key(key, kind), creates=True)


async def read_reparation(deps: Deps, caller: Caller, reparation_id: str, *, purpose: str) -> Reparation:
    """A reparation of a case the caller may see (else 404)."""
    found = (await deps.core.store.load(REPARATION, reparation_id)).state
    if found is None:
        raise NotFound("reparation_not_found")
    try:
        await read_case(deps, caller, found.case_id, purpose=purpose)
    except NotFound:
        raise NotFound("reparation_not_found") from None
    return found


async def award_reparation(deps: Deps, caller: Caller, key: RequestKey | None, reparation_id: str, *,
                           amount_xof: int | None, awarded_by: str, awarded_on: date) -> Reparation:
    """Record the award of a requested reparation."""
    await read_reparation(deps, caller, reparation_id, purpose="record reparation award")
    decide = partial(reparation.award, amount_xof=amount_xof, awarded_by=awarded_by, awarded_on=awarded_on,
                     today=today_in_bamako(deps.core.clock))
    return await _run(deps, caller, reparation_id, decide, command_key(key, f"award:{reparation_id}"))


async def record_payment(deps: Deps, caller: Caller, key: RequestKey | None, reparation_id: str, *,
                         payment_status: PaymentStatus, amount_xof: int | None, paid_on: date) -> Reparation:
    """Record a payment (or non-payment) against an awarded reparation."""
    await read_reparation(deps, caller, reparation_id, purpose="record reparation payment")
    decide = partial(reparation.record_payment, payment_status=payment_status, amount_xof=amount_xof,
                     paid_on=paid_on, today=today_in_bamako(deps.core.clock))
    return await _run(deps, caller, reparation_id, decide, command_key(key, f"payment:{reparation_id}"))


async def _run(deps: Deps, caller: Caller, reparation_id: str, decide: ReparationDecision,
               key: str | None, *, creates: bool = False) -> Reparation:
    committed = await deps.core.store.execute(REPARATION, reparation_id, decide, context=caller.context,
                                              idempotency_key=key, creates=creates)
    assert committed.state is not None
    return committed.state
