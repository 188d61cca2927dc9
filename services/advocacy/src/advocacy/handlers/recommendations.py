"""Recommendations made to a body, and the follow-up of their status."""

from __future__ import annotations

from datetime import date
from functools import partial

from servicekit.api import Caller, RequestKey, command_key
from servicekit.commands import today_in_bamako
from servicekit.ids import new_id

from ..bootstrap import Deps
from ..domain import recommendation as recommendation_rules
from ..domain.recommendation import RECOMMENDATION, Recommendation


async def make_recommendation(deps: Deps, caller: Caller, key: RequestKey | None, *, addressee: str, text: str,
                              made_on: date, source: str | None) -> Recommendation:
    """Record a recommendation of the caller's organisation; its status starts at 'made'."""
    assert caller.organisation is not None  # the route's caller_of requires one
    decide = partial(recommendation_rules.make, organisation=caller.organisation, addressee=addressee, text=text,
                     made_on=made_on, today=today_in_bamako(deps.core.clock), source=source)
    recommendation_id = key.aggregate_id("recommendation") if key else new_id()
    committed = await deps.core.store.execute(RECOMMENDATION, recommendation_id, decide, context=caller.context,
                                              idempotency_key=command_key(key, "recommendation"), creates=True)
    assert committed.state is not None
    return committed.state


async def change_recommendation_status(deps: Deps, caller: Caller, key: RequestKey | None, recommendation_id: str,
                                       *, to_status: str, changed_on: date, note: str | None,
                                       evidence: list[str]) -> Recommendation:
    """Record a recommendation's new follow-up status (its history keeps every step)."""
    assert caller.organisation is not None  # the route's caller_of requires one
    decide = partial(recommendation_rules.change_status, organisation=caller.organisation, to_status=to_status,
                     changed_on=changed_on, today=today_in_bamako(deps.core.clock), note=note, evidence=evidence)
    committed = await deps.core.store.execute(RECOMMENDATION, recommendation_id, decide, context=caller.context,
                                              idempotency_key=command_key(key, f"status:{recommendation_id}"))
    assert committed.state is not None  # change_status refuses an unknown recommendation with a 404
    return committed.state
