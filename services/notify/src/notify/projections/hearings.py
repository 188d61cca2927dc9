"""Notify's copy of casework's hearings: where and when, and which event it reflects.

Events of one hearing can arrive twice, and a relay that republishes after a crash can replay an
older one after a newer one. The copy therefore only moves forward, ordered by the producer's
event time (`ce_time`); it remembers the id of the event it reflects (`revision`) and the ids of
the last events applied, so a replay is recognised even when two events share a time stamp.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from ..domain.recipient import Hearing

REMEMBERED_REVISIONS = 50
Applied = Literal["first", "applied", "current", "outdated"]


class HearingStore:
    """The `hearings` collection (`_id` = hearing id)."""

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self.hearings = db["hearings"]

    async def get(self, hearing_id: str) -> Hearing | None:
        """The hearing as notify last learned it."""
        doc = await self.hearings.find_one({"_id": hearing_id})
        return None if doc is None else _to_hearing(doc)

    async def apply(self, hearing: Hearing, victim_ids: list[str]) -> Applied:
        """Store a newer state of the hearing.

        "first": notify had no copy of the hearing, so nothing was planned about it yet; "applied": it is
        news; "current": it is the event the copy already reflects (a redelivery, maybe after a crash
        between recording it and planning its messages: plan again, the ids are derived so nothing is
        doubled); "outdated": an older or superseded event, to be ignored.
        """
        try:  # the common case, a hearing notify learns of now: one atomic insert, no read
            await self.hearings.insert_one(_document(hearing, victim_ids, seen=[]))
            return "first"
        except DuplicateKeyError:
            pass
        doc = await self.hearings.find_one({"_id": hearing.hearing_id})
        seen = list(doc.get("seen_revisions", [])) if doc else []
        if doc is not None and doc.get("revision") == hearing.revision:
            return "current"
        if doc is not None and (hearing.revision in seen or hearing.revised_at < _aware(doc["revised_at"])):
            return "outdated"
        await self.hearings.replace_one({"_id": hearing.hearing_id}, _document(hearing, victim_ids, seen), upsert=True)
        return "applied"

    async def upcoming(self, now: datetime, until: datetime) -> list[tuple[Hearing, list[str], bool]]:
        """Scheduled hearings starting between `now` and `until`, their victims, and whether they were moved."""
        cursor = self.hearings.find({"status": "scheduled", "starts_at": {"$gt": now, "$lte": until}})
        return [(_to_hearing(doc), list(doc.get("victim_ids", [])), len(doc.get("seen_revisions", [])) > 1)
                async for doc in cursor]


def _document(hearing: Hearing, victim_ids: list[str], seen: list[str]) -> dict[str, Any]:
    return {"_id": hearing.hearing_id, "case_id": hearing.case_id, "starts_at": hearing.starts_at,
            "court": hearing.court, "court_code": hearing.court_code, "city": hearing.city, "status": hearing.status,
            "revision": hearing.revision, "revised_at": hearing.revised_at, "victim_ids": victim_ids,
            "seen_revisions": [*seen, hearing.revision][-REMEMBERED_REVISIONS:]}


def _to_hearing(doc: dict[str, Any]) -> Hearing:
    return Hearing(hearing_id=doc["_id"], case_id=doc.get("case_id"), starts_at=_aware(doc["starts_at"]),
                   court=doc.get("court", ""), city=doc.get("city", ""), status=doc.get("status", "scheduled"),
                   revision=doc["revision"], revised_at=_aware(doc["revised_at"]), court_code=doc.get("court_code", ""))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
