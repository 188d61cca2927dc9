"""Commands on hearings; each checks first that the caller may see the hearing's case."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

from servicekit.api import Caller, RequestKey, command_key
from servicekit.domain import DomainEvent
from servicekit.errors import NotFound
from servicekit.ids import new_id

from ..bootstrap import Deps
from ..domain import hearing
from ..domain.case import Case, require_open
from ..domain.hearing import HEARING, Hearing
from .access import read_case

HearingDecision = Callable[[Hearing | None], Sequence[DomainEvent]]


async def schedule_hearing(deps: Deps, caller: Caller, key: RequestKey | None, case_id: str, *, court: str,
                           chamber: str | None, starts_at: datetime, ends_at: datetime | None,
                           purpose: str) -> Hearing:
    """Schedule a hearing of a case the caller works on (a retried request lands on the same hearing)."""
    case = await read_case(deps, caller, case_id, purpose="schedule hearing")
    require_open(case)
    kind = f"hearing:{case_id}"
    hearing_id = key.aggregate_id(kind) if key else new_id()
    decide = partial(hearing.schedule, hearing_id=hearing_id, case_id=case_id, victim_ids=case.victim_ids,
                     court=court, chamber=chamber, starts_at=starts_at, ends_at=ends_at, purpose=purpose,
                     now=deps.core.clock())
    return await _run(deps, caller, hearing_id, decide, command_key(key, kind), creates=True)


async def read_hearing(deps: Deps, caller: Caller, hearing_id: str, *, purpose: str) -> Hearing:
    """A hearing of a case the caller may see (else 404, like the case itself)."""
    return (await _hearing_of_case(deps, caller, hearing_id, purpose=purpose))[0]


async def _hearing_of_case(deps: Deps, caller: Caller, hearing_id: str, *, purpose: str) -> tuple[Hearing, Case]:
    found = (await deps.core.store.load(HEARING, hearing_id)).state
    if found is None:
        raise NotFound("hearing_not_found")
    try:
        case = await read_case(deps, caller, found.case_id, purpose=purpose)
    except NotFound:
        raise NotFound("hearing_not_found") from None
    return found, case


# A hearing's events name the case's victims now, not those it had when the hearing was scheduled: a victim
# who has left a collective case since hears nothing more about its hearings.

async def reschedule_hearing(deps: Deps, caller: Caller, key: RequestKey | None, hearing_id: str, *,
                             starts_at: datetime, ends_at: datetime | None, reason: str) -> Hearing:
    """Postpone a hearing to a new date-time."""
    _, case = await _hearing_of_case(deps, caller, hearing_id, purpose="reschedule hearing")
    decide = partial(hearing.reschedule, starts_at=starts_at, ends_at=ends_at, reason=reason,
                     now=deps.core.clock(), victim_ids=case.victim_ids)
    return await _run(deps, caller, hearing_id, decide, command_key(key, f"reschedule:{hearing_id}"))


async def record_hearing_held(deps: Deps, caller: Caller, key: RequestKey | None, hearing_id: str, *,
                              outcome: str) -> Hearing:
    """Record that a hearing took place, with its outcome."""
    _, case = await _hearing_of_case(deps, caller, hearing_id, purpose="record hearing outcome")
    decide = partial(hearing.record_held, outcome=outcome, now=deps.core.clock(), victim_ids=case.victim_ids)
    return await _run(deps, caller, hearing_id, decide, command_key(key, f"held:{hearing_id}"))


async def cancel_hearing(deps: Deps, caller: Caller, key: RequestKey | None, hearing_id: str, *,
                         reason: str) -> Hearing:
    """Cancel a hearing still to come."""
    _, case = await _hearing_of_case(deps, caller, hearing_id, purpose="cancel hearing")
    decide = partial(hearing.cancel, reason=reason, victim_ids=case.victim_ids)
    return await _run(deps, caller, hearing_id, decide, command_key(key, f"cancel:{hearing_id}"))


async def _run(deps: Deps, caller: Caller, hearing_id: str, decide: HearingDecision, key: str | None, *,
               creates: bool = False) -> Hearing:
    committed = await deps.core.store.execute(HEARING, hearing_id, decide, context=caller.context, idempotency_key=key,
                                              creates=creates)
    assert committed.state is not None
    return committed.state
