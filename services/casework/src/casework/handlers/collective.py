"""A victim leaving a case: the command, then her notes (all of them when she was its only victim)."""

from __future__ import annotations

from functools import partial

from servicekit.eventstore import CommandContext

from ..bootstrap import Deps
from ..domain.case import CASE, Flag
from ..domain.collective import leave


async def leave_case(deps: Deps, ctx: CommandContext, case_id: str, victim_id: str, reason: Flag,
                     idempotency_key: str | None = None) -> None:
    """The victim leaves the case (or, its last victim, flags it); her notes go with her, all of them on erasure."""
    committed = await deps.core.store.execute(CASE, case_id, partial(leave, victim_id=victim_id, reason=reason),
                                              context=ctx, idempotency_key=idempotency_key)
    case = committed.state
    if case is not None and victim_id in {r.victim_id for r in case.removed_victims}:
        await deps.notes.shred_victim(case_id, victim_id)
    elif reason == "victim_erased":
        await deps.notes.shred(case_id)  # she was the case's only victim: every note is about her
