"""The task aggregate: deadlines of a case (appeal windows, filings) for one lawyer (no I/O).

A task carries a kind from a closed list, never free text: details belong in privileged notes.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field
from servicekit.domain import AggregateState, AggregateType, DomainEvent
from servicekit.errors import Conflict, InvalidInput, NotFound

from ..vocabularies import require_term
from .common import SafeId, Subject, require_not_future, require_within_horizon


class TaskCreated(DomainEvent):
    """A deadline was set for a lawyer on a case."""

    event_type: ClassVar[str] = "casework.task.created.v1"
    classification: ClassVar[str] = "confidential"

    task_id: SafeId = Field(description="Task id")
    case_id: SafeId = Field(description="Case id")
    assignee: Subject = Field(description="Subject (staff id) of the lawyer responsible")
    kind: str = Field(description="Task kind code (casework terms vocabulary, task_kinds)")
    due_on: date = Field(description="Deadline (Africa/Bamako date)")


class TaskCompleted(DomainEvent):
    """A task was done."""

    event_type: ClassVar[str] = "casework.task.completed.v1"

    task_id: SafeId = Field(description="Task id")
    case_id: SafeId = Field(description="Case id")
    completed_on: date = Field(description="Date it was done")


class Task(AggregateState):
    """Current state of a task (the projection document)."""

    case_id: str
    assignee: str
    kind: str
    due_on: date
    status: Literal["open", "done"] = "open"
    completed_on: date | None = None

    def overdue(self, today: date) -> bool:
        """An open task past its deadline."""
        return self.status == "open" and self.due_on < today


def evolve(state: Task | None, event: DomainEvent) -> Task:
    """Apply one event to a task."""
    if isinstance(event, TaskCreated):
        return Task(id=event.task_id, **event.model_dump(exclude={"task_id"}))
    assert state is not None, f"{type(event).__name__} before the task was created"
    if isinstance(event, TaskCompleted):
        return state.model_copy(update={"status": "done", "completed_on": event.completed_on})
    raise ValueError(f"task cannot apply {type(event).__name__}")


TASK = AggregateType(name="task", topic="casework.tasks", collection="tasks", state_type=Task,
                     events=(TaskCreated, TaskCompleted), evolve=evolve)


def create(state: Task | None, *, task_id: str, case_id: str, case_lawyers: list[str], assignee: str, kind: str,
           due_on: date, today: date) -> list[DomainEvent]:
    """Set a deadline for one of the case's lawyers."""
    if state is not None:
        raise Conflict("task_already_exists")
    require_term("task_kinds", kind, field="kind")
    if assignee not in case_lawyers:
        raise InvalidInput("assignee_not_case_lawyer", field="assignee")
    if due_on < today:
        raise InvalidInput("deadline_past", field="due_on")
    require_within_horizon(due_on, today, field_name="due_on")
    return [TaskCreated(task_id=task_id, case_id=case_id, assignee=assignee, kind=kind, due_on=due_on)]


def complete(state: Task | None, *, completed_on: date, today: date) -> list[DomainEvent]:
    """Mark a task done."""
    if state is None:
        raise NotFound("task_not_found")
    if state.status == "done":
        raise Conflict("task_already_done")
    require_not_future(completed_on, today, field_name="completed_on")
    return [TaskCompleted(task_id=state.id, case_id=state.case_id, completed_on=completed_on)]
