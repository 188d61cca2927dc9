"""Tasks and deadlines: per case, and per lawyer across cases with overdue ones flagged."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, status
from servicekit.api import IdempotencyKey, Page, PageCursor, PageLimit, caller_of
from servicekit.commands import audit_reads, today_in_bamako

from .. import handlers
from ..domain.task import Task
from .deps import WRITE_ERRORS, AppDeps, CaseId, CaseWorker, TaskId, keyed
from .schemas import LawyerId, TaskComplete, TaskCreate, TaskPublic, public

router = APIRouter(tags=["tasks"])
ERRORS = WRITE_ERRORS


def task_public(task: Task, deps: AppDeps) -> TaskPublic:
    return public(TaskPublic, task, is_overdue=task.overdue(today_in_bamako(deps.core.clock)))


@router.post("/cases/{case_id}/tasks", status_code=status.HTTP_201_CREATED, response_model=TaskPublic,
             responses=ERRORS)
async def create_task(case_id: CaseId, body: TaskCreate, principal: CaseWorker, deps: AppDeps,
                      request: Request, idempotency_key: IdempotencyKey = None) -> TaskPublic:
    """Set a deadline (appeal window, filing, ...) for one of the case's lawyers."""
    caller, key = keyed(principal, request, idempotency_key, body.model_dump(mode="json"))
    found = await handlers.create_task(deps, caller, key, case_id, assignee=body.assignee, kind=body.kind,
                                       due_on=body.due_on)
    return task_public(found, deps)


@router.get("/cases/{case_id}/tasks", response_model=Page[TaskPublic], responses={401: {}, 403: {}, 404: {}, 422: {}})
async def list_case_tasks(case_id: CaseId, principal: CaseWorker, deps: AppDeps, request: Request,
                          limit: PageLimit = 50, cursor: PageCursor = None) -> Page[TaskPublic]:
    """A page of the tasks of a case, by deadline. Audited as a read of the case."""
    await handlers.read_case(deps, caller_of(principal, request, needs_organisation=False), case_id,
                             purpose="case deadlines")
    found, next_cursor = await deps.queries.tasks_of_case(case_id, cursor=cursor, limit=limit)
    return Page(items=[task_public(t, deps) for t in found], next_cursor=next_cursor)


@router.get("/tasks", response_model=Page[TaskPublic], responses={401: {}, 403: {}, 422: {}})
async def list_lawyer_tasks(principal: CaseWorker, deps: AppDeps, request: Request,
                            lawyer: Annotated[LawyerId | None, Query(description="Default: the caller")] = None,
                            status_: Annotated[Literal["open", "done"] | None, Query(alias="status")] = "open",
                            limit: PageLimit = 50, cursor: PageCursor = None) -> Page[TaskPublic]:
    """A page of a lawyer's deadlines across the cases the caller sees, by due date, overdue ones flagged."""
    caller = caller_of(principal, request, needs_organisation=False)
    lawyer = lawyer or caller.subject
    visible = await deps.queries.visible_case_ids(handlers.access_of(caller), lawyer=lawyer)
    found, next_cursor = await deps.queries.tasks_of_lawyer(lawyer, visible, status=status_, cursor=cursor,
                                                            limit=limit)
    await audit_reads(deps.core.audit, caller, "case.read", "case", sorted({t.case_id for t in found}),
                      purpose="deadlines of a lawyer")
    return Page(items=[task_public(t, deps) for t in found], next_cursor=next_cursor)


@router.post("/tasks/{task_id}/complete", response_model=TaskPublic, responses=ERRORS)
async def complete_task(task_id: TaskId, body: TaskComplete, principal: CaseWorker, deps: AppDeps,
                        request: Request, idempotency_key: IdempotencyKey = None) -> TaskPublic:
    """Mark a task done."""
    caller, key = keyed(principal, request, idempotency_key, body.model_dump(mode="json"))
    done = await handlers.complete_task(deps, caller, key, task_id, completed_on=body.completed_on)
    return task_public(done, deps)
