"""Audit entries and their place in the chain: the entry's shape, its hash, its stored document.

An entry holds who did what to which record, when, why and the outcome, never the PII itself (see
audit.py). Entry n is stored under `_id` = n (zero-padded), with `prev_hash` and `hash` (SHA-256 over
its canonical JSON, n and prev_hash).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

RESOURCE_ID_PATTERN = r"^[A-Za-z0-9:_-]{1,80}$"
MAX_ORGANISATION = 100
MAX_TEXT = 200
GENESIS_HASH = "0" * 64
SEQ_WIDTH = 12
HEAD_ID = "head"


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
    organisation: str | None = Field(default=None, max_length=MAX_ORGANISATION,
                                     description="The caller's organisation.")
    # Like `organisation`, whatever code the identity provider gives: an audit write must never fail on it.
    owner_organisation: str | None = Field(
        default=None, max_length=MAX_ORGANISATION,
        description="Organisation whose record was touched (e.g. the victim's registering organisation): "
                    "its documentation officers may read this entry.")
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
        # Milliseconds, as BSON stores them: the hash computed now must match the entry read back later.
        value = value.astimezone(UTC)
        return value.replace(microsecond=value.microsecond // 1000 * 1000)


def seq_id(seq: int) -> str:
    """`_id` of the n-th entry; zero-padded so ids sort by position."""
    return f"{seq:0{SEQ_WIDTH}d}"


def chain_hash(entry: AuditEntry, seq: int, prev_hash: str) -> str:
    """SHA-256 over the canonical JSON of an entry, its position and the previous entry's hash."""
    body = {**entry.model_dump(mode="json"), "seq": seq, "prev_hash": prev_hash}
    raw = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


def chained(entry: AuditEntry, seq: int, prev_hash: str) -> dict[str, Any]:
    document = entry.model_dump(mode="python")
    document.pop("id")
    document.update({"_id": seq_id(seq), "seq": seq, "entry_id": entry.id, "prev_hash": prev_hash,
                     "hash": chain_hash(entry, seq, prev_hash)})
    return document


CHAIN_FIELDS = frozenset({"_id", "seq", "entry_id", "prev_hash", "hash"})


def entry_of(document: dict[str, Any]) -> AuditEntry:
    """The entry a stored document holds (chain fields aside)."""
    fields = {key: value for key, value in document.items() if key not in CHAIN_FIELDS}
    fields["id"] = document.get("entry_id", document["_id"])  # entries written before the chain: _id was the id
    at = fields.get("at")
    # PyMongo returns naive UTC datetimes unless the client was built with tz_aware=True.
    if isinstance(at, datetime) and at.tzinfo is None:
        fields["at"] = at.replace(tzinfo=UTC)
    return AuditEntry.model_validate(fields)
