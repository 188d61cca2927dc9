"""Notify's copy of casework's hearings: where and when, and which event it reflects.

Events of one hearing can arrive twice, and a relay that republishes after a crash can replay an
older one after a newer one. The copy therefore only moves forward, ordered by the producer's
event time (`ce_time`); it remembers the id of the event it reflects (`revision`) and the ids of
the last events applied, so a replay is recognised even when two events share a time stamp.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from ..domain.recipient import Hearing

REMEMBERED_REVISIONS = 50


class HearingStore:
    """The `hearings` collection (`_id` = hearing id)."""

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self.hearings = db["hearings"]

    async def get(self, hearing_id: str) -> Hearing | None:
        """The hearing as notify last learned it."""
        doc = await self.hearings.find_one({"_id": hearing_id})
        return None if doc is None else _to_hearing(doc)

    async def apply(self, hearing: Hearing, victim_ids: list[str]) -> bool:
        """Store a newer state of the hearing; False when the event is a replay or older than the copy."""
        doc = await self.hearings.find_one({"_id": hearing.hearing_id})
        seen = list(doc.get("seen_revisions", [])) if doc else []
        if doc is not None and (hearing.revision in seen or hearing.revised_at < _aware(doc["revised_at"])):
            return False
        new = {"_id": hearing.hearing_id, "case_id": hearing.case_id, "starts_at": hearing.starts_at,
               "court": hearing.court, "court_code": hearing.court_code, "city": hearing.city, "status": hearing.status,
               "revision": hearing.revision, "revised_at": hearing.revised_at, "victim_ids": victim_ids,
               "seen_revisions": [*seen, hearing.revision][-REMEMBERED_REVISIONS:]}
        await self.hearings.replace_one({"_id": hearing.hearing_id}, new, upsert=True)
        return True

def _to_hearing(doc: dict[str, Any]) -> Hearing:
    return Hearing(hearing_id=doc["_id"], case_id=doc.get("case_id"), starts_at=_aware(doc["starts_at"]),
                   court=doc.get("court", ""), city=doc.get("city", ""), status=doc.get("status", "scheduled"),
                   revision=doc["revision"], revised_at=_aware(doc["revised_at"]), court_code=doc.get("court_code", ""))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
