"""Commands on tasks and deadlines; each checks first that the caller may see the task's case."""

from __future__ import annotations

from datetime import date
from functools import partial

from servicekit.api import Caller, RequestKey, command_key
from servicekit.commands import today_in_bamako
from servicekit.errors import NotFound
from servicekit.ids import new_id

from ..bootstrap import Deps
from ..domain import task
from ..domain.case import require_open
from ..domain.task import TASK, Task
from .access import read_case


async def create_task(deps: Deps, caller: Caller, key: RequestKey | None, case_id: str, *, assignee: str,
                      kind: str, due_on: date) -> Task:
    """Set a deadline on a case for one of its lawyers (a retried request lands on the same task)."""
    case = await read_case(deps, caller, case_id, purpose="set deadline")
    require_open(case)
    request_kind = f"task:{case_id}"
    task_id = key.aggregate_id(request_kind) if key else new_id()
    decide = partial(task.create, task_id=task_id, case_id=case_id, case_lawyers=case.lawyers, assignee=assignee,
                     kind=kind, due_on=due_on, today=today_in_bamako(deps.core.clock))
    committed = await deps.core.store.execute(TASK, task_id, decide, context=caller.context,
                                              idempotency_key=command_key(key, request_kind), creates=True)
    assert committed.state is not None
    return committed.state


async def complete_task(deps: Deps, caller: Caller, key: RequestKey | None, task_id: str, *,
                        completed_on: date | None) -> Task:
    """Mark a task of a visible case done."""
    found = (await deps.core.store.load(TASK, task_id)).state
    if found is None:
        raise NotFound("task_not_found")
    try:
        await read_case(deps, caller, found.case_id, purpose="complete deadline")
    except NotFound:
        raise NotFound("task_not_found") from None
    day = today_in_bamako(deps.core.clock)
    decide = partial(task.complete, completed_on=completed_on or day, today=day)
    committed = await deps.core.store.execute(TASK, task_id, decide, context=caller.context,
                                              idempotency_key=command_key(key, f"complete:{task_id}"))
    assert committed.state is not None
    return committed.state
