"""Audit log of access to victim data: who, what, when, why, and the outcome — never the PII itself.

Whether an entry holds PII cannot be checked in general, so the shape keeps it out: resource ids must
be pseudonymous ids (``^[A-Za-z0-9:_-]{1,80}$``, no spaces, so no names or free text), and purpose
and reason are short (at most 200 characters). Callers write a purpose such as "hearing reminder",
never a copy of the data. Entries are inserted with ``_id`` = entry id, so retrying a write whose
acknowledgement was lost is harmless.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pymongo.errors import DuplicateKeyError

__all__ = ["AuditCollection", "AuditEntry", "AuditLog"]

RESOURCE_ID_PATTERN = r"^[A-Za-z0-9:_-]{1,80}$"
MAX_TEXT = 200
MAX_QUERY_LIMIT = 1000


def _now_ms() -> datetime:
    # Millisecond precision: what BSON dates store, so an entry reads back exactly as written.
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class AuditEntry(BaseModel):
    """One access decision on one resource."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(default_factory=lambda: str(uuid.uuid4()), description="Entry id (UUID4).")
    at: datetime = Field(default_factory=_now_ms, description="When, in UTC.")
    actor: str = Field(min_length=1, max_length=200, description="Subject of the calling principal.")
    actor_roles: list[str] = Field(default_factory=list, description="Roles the principal held.")
    organisation: str | None = Field(default=None, max_length=100, description="The caller's organisation.")
    action: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$", max_length=80,
                        description='What was done, e.g. "victim.read", "key.released", "victim.erased".')
    resource_type: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", description='e.g. "victim", "case".')
    resource_id: str = Field(pattern=RESOURCE_ID_PATTERN, description="Pseudonymous id only, never a name.")
    purpose: str | None = Field(default=None, max_length=MAX_TEXT, description="Why access was sought.")
    reason: str | None = Field(default=None, max_length=MAX_TEXT, description="Why it was allowed or denied.")
    outcome: Literal["allowed", "denied"]
    correlation_id: str | None = Field(default=None, max_length=100)

    @field_validator("actor_roles")
    @classmethod
    def _sorted_roles(cls, value: list[str]) -> list[str]:
        # Principal.roles is a frozenset: sort so equal role sets are stored and compared identically.
        return sorted(set(value))

    @field_validator("at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        # A naive time is ambiguous (Bamako is UTC, servers may not be): refuse it rather than guess.
        if value.tzinfo is None:
            raise ValueError("at must be timezone-aware")
        return value.astimezone(UTC)


class AuditCollection(Protocol):
    """The subset of an async PyMongo collection that the audit log uses."""

    async def insert_one(self, document: dict[str, Any]) -> Any: ...

    def find(self, filter: dict[str, Any], *, sort: list[tuple[str, int]], limit: int) -> Any: ...


class AuditLog:
    """Append-only audit trail stored in one collection."""

    def __init__(self, collection: AuditCollection) -> None:
        self._collection = collection

    async def record(self, entry: AuditEntry) -> None:
        """Store an entry; storing the same entry twice is a no-op."""
        document = entry.model_dump(mode="python")
        document["_id"] = document.pop("id")
        try:
            await self._collection.insert_one(document)
        except DuplicateKeyError:
            return  # a retried write of the same entry: already recorded

    async def query(self, actor: str | None = None, resource_id: str | None = None,
                    since: datetime | None = None, until: datetime | None = None,
                    limit: int = 100) -> list[AuditEntry]:
        """Entries matching all given filters, newest first; ``since`` inclusive, ``until`` exclusive."""
        if not 1 <= limit <= MAX_QUERY_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_QUERY_LIMIT}")
        criteria: dict[str, Any] = {}
        if actor is not None:
            criteria["actor"] = actor
        if resource_id is not None:
            criteria["resource_id"] = resource_id
        window = {op: _aware(bound) for op, bound in (("$gte", since), ("$lt", until)) if bound is not None}
        if window:
            criteria["at"] = window
        cursor = self._collection.find(criteria, sort=[("at", -1), ("_id", -1)], limit=limit)
        return [_entry(document) async for document in cursor]


def _aware(bound: datetime) -> datetime:
    if bound.tzinfo is None:
        raise ValueError("since/until must be timezone-aware")
    return bound.astimezone(UTC)


def _entry(document: dict[str, Any]) -> AuditEntry:
    fields = {key: value for key, value in document.items() if key != "_id"}
    fields["id"] = document["_id"]
    at = fields.get("at")
    # PyMongo returns naive UTC datetimes unless the client was built with tz_aware=True.
    if isinstance(at, datetime) and at.tzinfo is None:
        fields["at"] = at.replace(tzinfo=UTC)
    return AuditEntry.model_validate(fields)
