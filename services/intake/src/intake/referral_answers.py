"""Casework's answers to intake's referrals, one document per answer (`_id` = the casework event's id).

Inserting by the event id makes a redelivery a no-op and lets answers from different partitions arrive
in any order: the status is folded when read (domain/referral_status.py). Listing reads the victims'
projections of one organisation (a scan, like every listing on FerretDB) and the answers by referral id.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from .domain.referral_status import ReferralAnswer, ReferralStatus, status_of
from .domain.victim import Victim

MAX_LISTED = 500


class ReferralAnswers:
    """Stores casework's answers and folds them into referral statuses."""

    def __init__(self, answers: AsyncCollection[dict[str, Any]], victims: AsyncCollection[dict[str, Any]]) -> None:
        self.answers = answers
        self.victims = victims

    async def record(self, event_id: str, answer: ReferralAnswer) -> None:
        """Keep one answer; the same event delivered again changes nothing."""
        try:
            await self.answers.insert_one({"_id": event_id, **answer.model_dump(mode="python")})
        except DuplicateKeyError:
            return

    async def statuses_of(self, victim: Victim) -> list[ReferralStatus]:
        """Every referral of one victim with its status, oldest first."""
        answers = await self._answers([r.referral_id for r in victim.referrals])
        return [status_of(victim.id, r, answers[r.referral_id]) for r in victim.referrals]

    async def referred_by(self, organisation: str, *, status: str | None, limit: int) -> list[ReferralStatus]:
        """The organisation's referrals (its victims'), filtered by status, newest victims' first."""
        cursor = self.victims.find({"organisation": organisation, "referrals": {"$ne": []}}).limit(MAX_LISTED)
        victims = [Victim.model_validate({**_fields(doc), "id": doc["_id"]}) async for doc in cursor]
        answers = await self._answers([r.referral_id for v in victims for r in v.referrals])
        found = [status_of(v.id, r, answers[r.referral_id]) for v in victims for r in v.referrals]
        return [s for s in found if status is None or s.status == status][:limit]

    async def _answers(self, referral_ids: list[str]) -> dict[str, list[ReferralAnswer]]:
        by_referral: dict[str, list[ReferralAnswer]] = defaultdict(list)
        if not referral_ids:
            return by_referral
        async for doc in self.answers.find({"referral_id": {"$in": sorted(set(referral_ids))}}):
            by_referral[doc["referral_id"]].append(ReferralAnswer.model_validate(doc))
        return by_referral


def _fields(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if not k.startswith("_")}
