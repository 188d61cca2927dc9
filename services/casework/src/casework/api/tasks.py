"""Tasks and deadlines: per case, and per lawyer across cases with overdue ones flagged."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, status

from .. import handlers
from ..domain.task import Task
from .deps import WRITE_ERRORS, AppDeps, CaseId, CaseWorker, TaskId, command_context
from .schemas import LawyerId, TaskComplete, TaskCreate, TaskPublic

router = APIRouter(tags=["tasks"])
ERRORS = WRITE_ERRORS


def public(task: Task, deps: AppDeps) -> TaskPublic:
    return TaskPublic.model_validate({**task.model_dump(), "is_overdue": task.overdue(handlers.today(deps))})


@router.post("/cases/{case_id}/tasks", status_code=status.HTTP_201_CREATED, response_model=TaskPublic,
             responses=ERRORS)
async def create_task(case_id: CaseId, body: TaskCreate, principal: CaseWorker, deps: AppDeps,
                      request: Request) -> TaskPublic:
    """Set a deadline (appeal window, filing, ...) for one of the case's lawyers."""
    found = await handlers.create_task(deps, command_context(principal, request), principal, case_id,
                                       assignee=body.assignee, kind=body.kind, due_on=body.due_on)
    return public(found, deps)


@router.get("/cases/{case_id}/tasks", response_model=list[TaskPublic], responses={401: {}, 403: {}, 404: {}})
async def list_case_tasks(case_id: CaseId, principal: CaseWorker, deps: AppDeps) -> list[TaskPublic]:
    """Every task of a case, by deadline. Audited as a read of the case."""
    await handlers.read_case(deps, principal, case_id, purpose="case deadlines")
    return [public(t, deps) for t in await deps.queries.tasks_of_case(case_id)]


@router.get("/tasks", response_model=list[TaskPublic], responses={401: {}, 403: {}, 422: {}})
async def list_lawyer_tasks(principal: CaseWorker, deps: AppDeps,
                            lawyer: Annotated[LawyerId | None, Query(description="Default: the caller")] = None,
                            status_: Annotated[Literal["open", "done"] | None, Query(alias="status")] = "open",
                            ) -> list[TaskPublic]:
    """A lawyer's deadlines across the cases the caller sees, by due date, overdue ones flagged."""
    lawyer = lawyer or principal.subject
    visible = {c.id for c in await deps.queries.cases(handlers.access_of(principal), lawyer=lawyer, limit=500)}
    found = [t for t in await deps.queries.tasks_of_lawyer(lawyer, status=status_) if t.case_id in visible]
    await handlers.audit_reads(deps, principal, action="case.read", resource_type="case",
                               resource_ids=sorted({t.case_id for t in found}), purpose="deadlines of a lawyer")
    return [public(t, deps) for t in found]


@router.post("/tasks/{task_id}/complete", response_model=TaskPublic, responses=ERRORS)
async def complete_task(task_id: TaskId, body: TaskComplete, principal: CaseWorker, deps: AppDeps,
                        request: Request) -> TaskPublic:
    """Mark a task done."""
    found = await handlers.complete_task(deps, command_context(principal, request), principal, task_id,
                                         completed_on=body.completed_on)
    return public(found, deps)
