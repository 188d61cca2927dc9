"""CloudEvents 1.0 in Kafka binary mode: record value = JSON data, attributes in `ce_*` headers."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

CLASSIFICATIONS = frozenset({"public", "internal", "confidential"})
TYPE_PATTERN = re.compile(r"^[a-z]+\.[a-z_]+\.[a-z_]+\.v[0-9]+$")
SOURCE_PATTERN = re.compile(r"^/redress/[a-z]+$")
TRACEPARENT_PATTERN = re.compile(r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
JSON_CONTENT_TYPE = "application/json"

Headers = Sequence[tuple[str, bytes]]


class InvalidEnvelope(ValueError):
    """The record is not a valid Redress CloudEvent; it can never be processed."""


@dataclass(frozen=True)
class Envelope:
    """One event as it travels on the bus."""

    id: str
    source: str
    type: str
    subject: str
    time: datetime
    data: dict[str, Any]
    classification: str = "internal"
    correlation_id: str = ""
    causation_id: str | None = None
    traceparent: str | None = None
    specversion: str = "1.0"
    extra_headers: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _validate(self)

    def headers(self) -> list[tuple[str, bytes]]:
        """The Kafka headers of this event, binary content mode."""
        pairs = [
            ("ce_specversion", self.specversion),
            ("ce_id", self.id),
            ("ce_source", self.source),
            ("ce_type", self.type),
            ("ce_time", self.time.isoformat().replace("+00:00", "Z")),
            ("ce_subject", self.subject),
            ("content-type", JSON_CONTENT_TYPE),
            ("ce_correlationid", self.correlation_id or self.id),
            ("ce_dataclassification", self.classification),
        ]
        if self.causation_id:
            pairs.append(("ce_causationid", self.causation_id))
        if self.traceparent:
            pairs.append(("traceparent", self.traceparent))
        return [(k, v.encode()) for k, v in pairs] + list(self.extra_headers.items())

    def key(self) -> bytes:
        """Record key: the aggregate id, so one aggregate's events keep their order."""
        return self.subject.encode()

    def value(self) -> bytes:
        """Record value: the event data as compact UTF-8 JSON."""
        return json.dumps(self.data, separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_record(cls, key: bytes | None, value: bytes | None, headers: Headers) -> Envelope:
        """Decode and validate a consumed record; raises InvalidEnvelope when it never can be."""
        h: dict[str, str] = {}
        extra: dict[str, bytes] = {}
        for name, raw in headers or ():
            try:
                h[name] = raw.decode() if raw is not None else ""
            except UnicodeDecodeError as exc:
                raise InvalidEnvelope(f"header {name} is not UTF-8") from exc
            if not (name.startswith("ce_") or name in ("content-type", "traceparent")):
                extra[name] = raw
        for required in ("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject"):
            if not h.get(required):
                raise InvalidEnvelope(f"missing header {required}")
        if h.get("content-type", JSON_CONTENT_TYPE) != JSON_CONTENT_TYPE:
            raise InvalidEnvelope("content-type must be application/json")
        if key is not None and key.decode(errors="replace") != h["ce_subject"]:
            raise InvalidEnvelope("record key differs from ce_subject")
        try:
            data = json.loads(value or b"")
            time = datetime.fromisoformat(h["ce_time"].replace("Z", "+00:00"))
        except ValueError as exc:
            raise InvalidEnvelope(f"undecodable record: {type(exc).__name__}") from exc
        if not isinstance(data, dict):
            raise InvalidEnvelope("data must be a JSON object")
        return cls(id=h["ce_id"], source=h["ce_source"], type=h["ce_type"], subject=h["ce_subject"],
                   time=time, data=data, classification=h.get("ce_dataclassification", ""),
                   correlation_id=h.get("ce_correlationid", ""), causation_id=h.get("ce_causationid"),
                   traceparent=h.get("traceparent"), specversion=h["ce_specversion"], extra_headers=extra)


def _validate(env: Envelope) -> None:
    """Check every attribute; both producer and consumer call this."""
    if env.specversion != "1.0":
        raise InvalidEnvelope("ce_specversion must be 1.0")
    try:
        uuid.UUID(env.id)
    except ValueError as exc:
        raise InvalidEnvelope("ce_id must be a UUID") from exc
    if not SOURCE_PATTERN.match(env.source):
        raise InvalidEnvelope("ce_source must be /redress/<service>")
    if not TYPE_PATTERN.match(env.type):
        raise InvalidEnvelope("ce_type must be <service>.<aggregate>.<verb>.v<N>")
    if not env.subject:
        raise InvalidEnvelope("ce_subject (aggregate id) is required")
    if env.time.tzinfo is None:
        raise InvalidEnvelope("ce_time must carry a time zone")
    if env.classification not in CLASSIFICATIONS:
        raise InvalidEnvelope("ce_dataclassification must be public, internal or confidential")
    if env.traceparent and not TRACEPARENT_PATTERN.match(env.traceparent):
        raise InvalidEnvelope("traceparent is malformed")


def utcnow() -> datetime:
    """Current time in UTC, timezone-aware."""
    return datetime.now(UTC)
