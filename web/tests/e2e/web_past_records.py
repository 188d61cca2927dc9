"""Records casework refuses to create today (a deadline already past, a hearing that has begun), put in
its store the honest way: casework's own domain commands decided as of an earlier day, committed through
the kit's EventStore against casework's real database, so the relay publishes them like any commit."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from casework.domain import hearing, task
from casework.domain.hearing import HEARING
from casework.domain.task import TASK
from servicekit.eventstore import CommandContext, EventStore
from servicekit.ids import new_id
from servicekit.mongo import mongo_client

SEEDER = CommandContext(actor="e2e-past-records")


class PastRecords:
    """Casework's store as the running casework sees it (its database and topic namespace)."""

    def __init__(self, system: Any) -> None:
        env = system.processes["casework:api"].env
        self.client = mongo_client(env["CASEWORK_MONGO_URL"], app_name="e2e-past-records")
        self.store = EventStore(self.client[env["CASEWORK_MONGO_DB"]], source="/redress/casework",
                                topic_namespace=env["CASEWORK_TOPIC_NAMESPACE"])

    async def close(self) -> None:
        await self.client.close()

    async def overdue_task(self, case: dict[str, Any], lawyer: str, *, due_on: date, kind: str = "filing") -> str:
        """A deadline of the case (as casework answers it) set a week before `due_on`; returns the task id."""
        task_id = new_id()
        decide = partial(task.create, task_id=task_id, case_id=case["id"], case_lawyers=case["lawyers"],
                         assignee=lawyer, kind=kind, due_on=due_on, today=due_on - timedelta(days=7))
        await self.store.execute(TASK, task_id, decide, context=SEEDER)
        return task_id

    async def begun_hearing(self, case: dict[str, Any], *, starts_at: datetime, court: str) -> str:
        """A hearing of the case scheduled the day before `starts_at`, which has begun since; returns its id."""
        hearing_id = new_id()
        decide = partial(hearing.schedule, hearing_id=hearing_id, case_id=case["id"], victim_ids=case["victim_ids"],
                         court=court, chamber=None, starts_at=starts_at, ends_at=None,
                         purpose="civil_party_hearing", now=starts_at - timedelta(days=1))
        await self.store.execute(HEARING, hearing_id, decide, context=SEEDER)
        return hearing_id
