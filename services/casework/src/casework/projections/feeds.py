"""iCalendar feed tokens: a lawyer subscribes a calendar app to a secret URL instead of a bearer token.

Only the SHA-256 of a token is stored (`_id`, so the feed lookup is an indexed `_id` probe); the token
itself is shown once, at creation. Revoking deletes the document. The feed shows hearings without
victim names, as the bearer-token calendar does.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from servicekit.ids import new_id

MAX_FEEDS_PER_LAWYER = 5


@dataclass(frozen=True)
class Feed:
    """A feed's owner as recorded at creation."""

    feed_id: str
    lawyer: str
    organisation: str | None
    created_at: str


def token_hash(token: str) -> str:
    """The stored form of a feed token."""
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeeds:
    """Create, resolve and revoke feed tokens."""

    def __init__(self, db: AsyncDatabase[Any]) -> None:
        self.feeds = db["calendar_feeds"]

    async def create(self, *, lawyer: str, organisation: str | None, at: datetime) -> tuple[Feed, str]:
        """A new feed and its token (256 random bits, URL-safe); the token is not kept."""
        token = secrets.token_urlsafe(32)
        feed = Feed(feed_id=new_id(), lawyer=lawyer, organisation=organisation, created_at=at.isoformat())
        await self.feeds.insert_one({"_id": token_hash(token), **feed.__dict__})
        return feed, token

    async def count(self, lawyer: str) -> int:
        """How many feeds a lawyer has."""
        return await self.feeds.count_documents({"lawyer": lawyer})

    async def resolve(self, token: str) -> Feed | None:
        """The feed of a token, or None for an unknown or revoked one."""
        doc = await self.feeds.find_one({"_id": token_hash(token)})
        return Feed(**{k: doc[k] for k in ("feed_id", "lawyer", "organisation", "created_at")}) if doc else None

    async def list(self, lawyer: str) -> list[Feed]:
        """A lawyer's feeds (ids and dates only)."""
        return [Feed(**{k: d[k] for k in ("feed_id", "lawyer", "organisation", "created_at")})
                async for d in self.feeds.find({"lawyer": lawyer}).sort("created_at", 1)]

    async def revoke(self, *, lawyer: str, feed_id: str) -> bool:
        """Delete one of the lawyer's feeds; False when there is none with that id."""
        result = await self.feeds.delete_one({"lawyer": lawyer, "feed_id": feed_id})
        return result.deleted_count == 1
