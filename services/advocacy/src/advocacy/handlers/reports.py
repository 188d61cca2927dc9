"""Publishing a period's report: rendered from the live projections, its files frozen with their SHA-256."""

from __future__ import annotations

import asyncio
from datetime import date
from functools import partial

from servicekit.api import Caller, RequestKey, command_key
from servicekit.commands import today_in_bamako
from servicekit.ids import new_id

from .. import figures, report_files
from ..bootstrap import Deps
from ..domain import report as report_rules
from ..domain.report import REPORT, Report


async def publish_report(deps: Deps, caller: Caller, key: RequestKey | None, *, title: str, period_start: date,
                         period_end: date, verified_only: bool, language: str = "fr",
                         csv_excel: bool = False) -> Report:
    """Render a period's report, freeze its files and record their SHA-256; a retry renders nothing again."""
    assert caller.organisation is not None  # the route's caller_of requires one
    report_id = key.aggregate_id("report") if key else new_id()
    idempotency_key = command_key(key, "report")
    if (await deps.core.store.load(REPORT, report_id)).state is not None:
        # A retry of a published report: the store answers it (the first report, or 409 for another body)
        # before rendering and storing a second set of files nobody would ever read.
        committed = await deps.core.store.execute(REPORT, report_id, report_rules.refuse_republishing,
                                                  context=caller.context, idempotency_key=idempotency_key)
        assert committed.state is not None
        return committed.state
    now = deps.core.clock()
    today = today_in_bamako(deps.core.clock)
    report_rules.check_period(period_start, period_end, today)  # before the expensive rendering
    generation, inputs = await figures.load_inputs(deps, period_start=period_start, period_end=period_end,
                                                   verified_only=verified_only)
    rendered = await asyncio.to_thread(report_files.render, inputs, title=title,
                                       parameters=figures.parameters_of(inputs), generation=generation,
                                       generated_at=now, language=language, csv_excel=csv_excel)
    files = await deps.report_files.save(report_id, rendered)
    decide = partial(report_rules.publish, organisation=caller.organisation, title=title, period_start=period_start,
                     period_end=period_end, verified_only=verified_only, suppression_k=deps.suppression_k,
                     generation=generation, files=files, today=today, language=language)
    # Read just above: a report id is new, and a retry that raced this one collides on the commit.
    committed = await deps.core.store.execute(REPORT, report_id, decide, context=caller.context,
                                              idempotency_key=idempotency_key, creates=True)
    assert committed.state is not None
    return committed.state
