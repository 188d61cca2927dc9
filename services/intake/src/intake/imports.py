"""Import jobs (`import_jobs`, `_id` = job id): the per-row report and the progress clients poll.

Importing is idempotent by construction (incident ids derive from the organisation and the row's
external reference), so a job interrupted by a restart is finished by uploading the file again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, Literal

from pymongo.asynchronous.collection import AsyncCollection
from servicekit.envelope import utcnow

from .domain.csv_rows import RowError

MAX_REPORTED_ERRORS = 1000
Outcome = Literal["created", "updated", "unchanged", "failed"]


class ImportJobs:
    """Creates jobs, records their progress and reads them back."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection

    async def create(self, job_id: str, *, organisation: str, actor: str, total: int, accepted: int,
                     errors: Sequence[RowError], kind: str = "incidents",
                     reading: dict[str, Any] | None = None) -> dict[str, Any]:
        """A job in state 'running' (or 'completed' at once when nothing is to be imported)."""
        now = utcnow()
        document: dict[str, Any] = {
            "_id": job_id, "organisation": organisation, "actor": actor, "kind": kind, "reading": reading or {},
            "status": "running" if accepted else "completed",
            "total": total, "accepted": accepted, "processed": 0, "rejected": len({error.row for error in errors}),
            "created": 0, "updated": 0, "unchanged": 0, "failed": 0,
            "errors": [asdict(error) for error in errors[:MAX_REPORTED_ERRORS]],
            "errors_truncated": len(errors) > MAX_REPORTED_ERRORS,
            "started_at": now, "updated_at": now, "finished_at": None if accepted else now,
        }
        await self.collection.insert_one(document)
        return document

    async def progress(self, job_id: str, counts: dict[Outcome, int], failures: Sequence[RowError]) -> None:
        """Record how far the job got (counts are totals so far, not increments)."""
        update: dict[str, Any] = {"$set": {**counts, "processed": sum(counts.values()), "updated_at": utcnow()}}
        if failures:
            update["$push"] = {"errors": {"$each": [asdict(failure) for failure in failures]}}
        await self.collection.update_one({"_id": job_id}, update)

    async def finish(self, job_id: str, status: Literal["completed", "failed"]) -> None:
        await self.collection.update_one({"_id": job_id},
                                         {"$set": {"status": status, "finished_at": utcnow(), "updated_at": utcnow()}})

    async def get(self, job_id: str) -> dict[str, Any] | None:
        return await self.collection.find_one({"_id": job_id})
