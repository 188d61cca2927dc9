"""The documents intake keeps beside its event store: casework's answers to its referrals, and import jobs.

Answers (`referral_answers`, `_id` = the casework event's id): inserting by the event id makes a
redelivery a no-op and lets answers from different partitions arrive in any order; the status is
folded when read (domain/referral_status.py).

Import jobs (`import_jobs`, `_id` = job id): the per-row report and the progress clients poll.
Importing is idempotent by construction (incident ids derive from the organisation and the row's
external reference), so a job interrupted by a restart is finished by uploading the file again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, Literal

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError
from servicekit.commands import Clock

from .domain.csv_rows import RowError
from .domain.referral_status import ReferralAnswer, ReferralStatus, status_of
from .domain.victim import Victim

MAX_REPORTED_ERRORS = 1000
Outcome = Literal["created", "updated", "unchanged", "failed"]


class ReferralAnswers:
    """Stores casework's answers and folds them into referral statuses."""

    def __init__(self, answers: AsyncCollection[dict[str, Any]]) -> None:
        self.answers = answers

    async def record(self, event_id: str, answer: ReferralAnswer) -> None:
        """Keep one answer; the same event delivered again changes nothing."""
        try:
            await self.answers.insert_one({"_id": event_id, **answer.model_dump(mode="python")})
        except DuplicateKeyError:
            return

    async def statuses_of(self, victims: list[Victim]) -> list[ReferralStatus]:
        """Every referral of these victims with its status, in the victims' order (each oldest first)."""
        answers = await self._answers([r.referral_id for v in victims for r in v.referrals])
        return [status_of(v.id, r, answers[r.referral_id]) for v in victims for r in v.referrals]

    async def _answers(self, referral_ids: list[str]) -> dict[str, list[ReferralAnswer]]:
        by_referral: dict[str, list[ReferralAnswer]] = defaultdict(list)
        if not referral_ids:
            return by_referral
        async for doc in self.answers.find({"referral_id": {"$in": sorted(set(referral_ids))}}):
            by_referral[doc["referral_id"]].append(ReferralAnswer.model_validate(doc))
        return by_referral


class ImportJobs:
    """Creates jobs, records their progress and reads them back."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]], clock: Clock) -> None:
        self.collection = collection
        self.clock = clock

    async def create(self, job_id: str, *, organisation: str, actor: str, total: int, accepted: int,
                     errors: Sequence[RowError], kind: str = "incidents", request: str | None = None,
                     reading: dict[str, Any] | None = None) -> tuple[dict[str, Any], bool]:
        """A job in state 'running' (or 'completed' at once when nothing is to be imported), and whether it is new.

        `request` is the fingerprint of the request that started it, when the client sent an Idempotency-Key.
        """
        now = self.clock()
        document: dict[str, Any] = {
            "_id": job_id, "organisation": organisation, "actor": actor, "kind": kind, "reading": reading or {},
            "status": "running" if accepted else "completed",
            "total": total, "accepted": accepted, "processed": 0, "rejected": len({error.row for error in errors}),
            "created": 0, "updated": 0, "unchanged": 0, "failed": 0,
            "errors": [asdict(error) for error in errors[:MAX_REPORTED_ERRORS]],
            "errors_truncated": len(errors) > MAX_REPORTED_ERRORS,
            "started_at": now, "updated_at": now, "finished_at": None if accepted else now, "request": request,
        }
        try:
            await self.collection.insert_one(document)
        except DuplicateKeyError:
            return await self.collection.find_one({"_id": job_id}) or document, False
        return document, True

    async def progress(self, job_id: str, counts: dict[Outcome, int], failures: Sequence[RowError]) -> None:
        """Record how far the job got (counts are totals so far, not increments)."""
        update: dict[str, Any] = {"$set": {**counts, "processed": sum(counts.values()), "updated_at": self.clock()}}
        if failures:
            update["$push"] = {"errors": {"$each": [asdict(failure) for failure in failures]}}
        await self.collection.update_one({"_id": job_id}, update)

    async def finish(self, job_id: str, status: Literal["completed", "failed"]) -> None:
        """Record how the job ended."""
        now = self.clock()
        await self.collection.update_one({"_id": job_id},
                                         {"$set": {"status": status, "finished_at": now, "updated_at": now}})

    async def get(self, job_id: str) -> dict[str, Any] | None:
        """The job, or None."""
        return await self.collection.find_one({"_id": job_id})
