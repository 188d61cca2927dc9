"""Commit documents: the hash-chained history of an aggregate, each one also its own outbox entry.

A commit is inserted with `outbox: "pending"`; the relay publishes its events, then unsets the field.
The field is the only thing ever changed in a commit, so it is left out of the hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .domain import DomainEvent
from .envelope import Envelope, utcnow
from .ids import new_id
from .telemetry import current_traceparent

GENESIS_HASH = "0" * 64
VERSION_WIDTH = 10
OUTBOX_FIELD = "outbox"
PENDING = "pending"
# Not part of the audited record: the relay's progress marker.
UNHASHED = frozenset({"hash", OUTBOX_FIELD})


def commit_id(aggregate_id: str, version: int) -> str:
    """`_id` of a commit document; zero-padded so ids sort by version."""
    return f"{aggregate_id}:{version:0{VERSION_WIDTH}d}"


def canonical_hash(document: dict[str, Any]) -> str:
    """SHA-256 over the canonical JSON of a commit (without its own hash and relay marker)."""
    body = {k: v for k, v in document.items() if k not in UNHASHED}
    raw = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class CommandContext:
    """Who asked and why: stored with the commit and carried in the event headers."""

    actor: str
    correlation_id: str = field(default_factory=new_id)
    causation_id: str | None = None
    traceparent: str | None = None


@dataclass(frozen=True)
class CommitHeader:
    """Where a commit goes and what precedes it."""

    aggregate_id: str
    aggregate_type: str
    version: int
    prev_hash: str
    topic: str
    source: str


def commit_document(header: CommitHeader, events: Sequence[DomainEvent], ids: Sequence[str],
                    context: CommandContext, idempotency_key: str | None) -> dict[str, Any]:
    """One command's events as one commit, pending publication."""
    commit: dict[str, Any] = {
        "_id": commit_id(header.aggregate_id, header.version),
        "aggregate_id": header.aggregate_id,
        "aggregate_type": header.aggregate_type,
        "version": header.version,
        "events": [
            {"id": i, "type": e.event_type, "classification": e.classification, "data": e.model_dump(mode="json")}
            for i, e in zip(ids, events, strict=True)
        ],
        "actor": context.actor,
        "correlation_id": context.correlation_id,
        "causation_id": context.causation_id,
        "idempotency_key": idempotency_key,
        "traceparent": context.traceparent or current_traceparent(),
        "committed_at": utcnow().isoformat(),
        "prev_hash": header.prev_hash,
        "topic": header.topic,
        "source": header.source,
    }
    commit["hash"] = canonical_hash(commit)
    commit[OUTBOX_FIELD] = PENDING
    return commit


def envelopes(commit: dict[str, Any], default_source: str = "/redress/unknown") -> list[Envelope]:
    """The CloudEvents of a commit, in order, as the relay publishes them."""
    return [
        Envelope(
            id=stored["id"],
            source=commit.get("source", default_source),
            type=stored["type"],
            subject=commit["aggregate_id"],
            time=datetime.fromisoformat(commit["committed_at"]),
            data=stored["data"],
            classification=stored["classification"],
            correlation_id=commit["correlation_id"],
            causation_id=commit["causation_id"],
            traceparent=commit["traceparent"],
        )
        for stored in commit["events"]
    ]
