"""Logging advocacy actions, with frozen snapshots of the indicators they cite."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from servicekit.api import Caller, RequestKey, command_key
from servicekit.commands import today_in_bamako
from servicekit.errors import InvalidInput
from servicekit.ids import new_id

from .. import figures
from ..bootstrap import Deps
from ..domain import action as action_rules
from ..domain.action import ACTION, Action, AttachmentRef, IndicatorSnapshot
from ..domain.published import INDICATORS


async def freeze_indicators(deps: Deps, cited: list[dict[str, Any]]) -> list[IndicatorSnapshot]:
    """The protected figures of each cited indicator, as they stand now."""
    snapshots = []
    for n, citation in enumerate(cited):
        name = citation["indicator"]
        if name not in INDICATORS:
            raise InvalidInput("unknown_term", field=f"cited_indicators.{n}.indicator", vocabulary="indicators",
                               allowed=sorted(INDICATORS))
        query = {key: citation.get(key) for key in ("period_start", "period_end")}
        shot, figure = await figures.indicator(deps, name, verified_only=bool(citation.get("verified_only")),
                                               **query)
        snapshots.append(IndicatorSnapshot(indicator=name, parameters=shot.parameters, figures=figure,
                                           computed_at=shot.computed_at, generation=shot.generation))
    return snapshots


async def log_action(deps: Deps, caller: Caller, key: RequestKey | None, *, target_body: str, action_type: str,
                     taken_on: date, title: str, summary: str | None, attachments: list[AttachmentRef],
                     cited: list[dict[str, Any]], recommendation_ids: list[str]) -> Action:
    """Log an action of the caller's organisation; a retry with its Idempotency-Key answers the first action."""
    assert caller.organisation is not None  # the route's caller_of requires one
    action_rules.require_terms(target_body=target_body, action_type=action_type)  # before freezing figures
    decide = partial(action_rules.log, organisation=caller.organisation, target_body=target_body,
                     action_type=action_type, taken_on=taken_on, today=today_in_bamako(deps.core.clock), title=title,
                     summary=summary, attachments=attachments, cited_indicators=await freeze_indicators(deps, cited),
                     recommendation_ids=recommendation_ids)
    action_id = key.aggregate_id("action") if key else new_id()
    committed = await deps.core.store.execute(ACTION, action_id, decide, context=caller.context, creates=True,
                                              idempotency_key=command_key(key, "action"))
    assert committed.state is not None
    return committed.state
