"""One async function per command; they never talk to Kafka (the outbox relay publishes).

Consumed events are handled in projectors.py: they only feed the read model.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from servicekit.errors import InvalidInput
from servicekit.eventstore import CommandContext
from servicekit.ids import derived_id, new_id

from . import figures, report_files
from .bootstrap import Deps
from .domain import action as action_rules
from .domain import recommendation as recommendation_rules
from .domain import report as report_rules
from .domain.action import ACTION, Action, AttachmentRef, IndicatorSnapshot
from .domain.published import INDICATORS
from .domain.recommendation import RECOMMENDATION, Recommendation
from .domain.report import REPORT, Report


def new_aggregate_id(kind: str, organisation: str, idempotency_key: str | None) -> str:
    """A random id, or one derived from the client's Idempotency-Key so a retried request creates nothing new."""
    return derived_id("advocacy", kind, organisation, idempotency_key) if idempotency_key else new_id()


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


async def log_action(deps: Deps, ctx: CommandContext, *, organisation: str, idempotency_key: str | None,
                     target_body: str, action_type: str, taken_on: date, title: str, summary: str | None,
                     attachments: list[AttachmentRef], cited: list[dict[str, Any]],
                     recommendation_ids: list[str]) -> Action:
    """Log an advocacy action with frozen snapshots of the indicators it cites."""
    action_id = new_aggregate_id("action", organisation, idempotency_key)
    existing = await deps.store.load(ACTION, action_id)
    if existing.state is not None:
        return existing.state  # the same request again: nothing new is logged
    action_rules.check_term("target_bodies", target_body, field="target_body")
    action_rules.check_term("action_types", action_type, field="action_type")
    decide = partial(action_rules.log, organisation=organisation, target_body=target_body, action_type=action_type,
                     taken_on=taken_on, today=date.today(), title=title, summary=summary, attachments=attachments,
                     cited_indicators=await freeze_indicators(deps, cited), recommendation_ids=recommendation_ids)
    committed = await deps.store.execute(ACTION, action_id, decide, context=ctx)
    assert committed.state is not None
    return committed.state


async def make_recommendation(deps: Deps, ctx: CommandContext, *, organisation: str, idempotency_key: str | None,
                              addressee: str, text: str, made_on: date, source: str | None) -> Recommendation:
    """Record a recommendation made to a body; its status starts at 'made'."""
    recommendation_id = new_aggregate_id("recommendation", organisation, idempotency_key)
    existing = await deps.store.load(RECOMMENDATION, recommendation_id)
    if existing.state is not None:
        return existing.state
    decide = partial(recommendation_rules.make, organisation=organisation, addressee=addressee, text=text,
                     made_on=made_on, today=date.today(), source=source)
    committed = await deps.store.execute(RECOMMENDATION, recommendation_id, decide, context=ctx)
    assert committed.state is not None
    return committed.state


async def change_recommendation_status(deps: Deps, ctx: CommandContext, recommendation_id: str, *,
                                       organisation: str, idempotency_key: str | None, to_status: str,
                                       changed_on: date, note: str | None, evidence: list[str]) -> Recommendation:
    """Record a recommendation's new follow-up status (its history keeps every step)."""
    decide = partial(recommendation_rules.change_status, organisation=organisation, to_status=to_status,
                     changed_on=changed_on, today=date.today(), note=note, evidence=evidence)
    key = derived_id("status", recommendation_id, idempotency_key) if idempotency_key else None
    committed = await deps.store.execute(RECOMMENDATION, recommendation_id, decide, context=ctx,
                                         idempotency_key=key)
    assert committed.state is not None  # change_status refuses an unknown recommendation with a 404
    return committed.state


async def publish_report(deps: Deps, ctx: CommandContext, *, organisation: str, idempotency_key: str | None,
                         title: str, period_start: date, period_end: date, verified_only: bool,
                         language: str = "fr", csv_excel: bool = False) -> Report:
    """Render a period's report from the live projections, freeze its files and record their SHA-256."""
    report_id = new_aggregate_id("report", organisation, idempotency_key)
    existing = await deps.store.load(REPORT, report_id)
    if existing.state is not None:
        return existing.state
    today = date.today()
    report_rules.check_period(period_start, period_end, today)  # before the expensive rendering
    generation, inputs = await figures.load_inputs(deps, period_start=period_start, period_end=period_end,
                                                   verified_only=verified_only)
    rendered = await asyncio.to_thread(report_files.render, inputs, title=title,
                                       parameters=figures.parameters_of(inputs), generation=generation,
                                       generated_at=datetime.now(UTC), language=language, csv_excel=csv_excel)
    files = await deps.report_files.save(report_id, rendered)
    decide = partial(report_rules.publish, organisation=organisation, title=title, period_start=period_start,
                     period_end=period_end, verified_only=verified_only, suppression_k=deps.suppression_k,
                     generation=generation, files=files, today=today, language=language)
    committed = await deps.store.execute(REPORT, report_id, decide, context=ctx)
    assert committed.state is not None
    return committed.state
