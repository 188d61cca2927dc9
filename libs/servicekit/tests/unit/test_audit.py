"""Audit entries: shape that keeps PII out, idempotent recording, and queries."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError
from pymongo.errors import DuplicateKeyError
from servicekit.audit import AuditEntry, AuditLog


class FakeCollection:
    """In-memory stand-in for an async PyMongo collection (stores dates naive UTC, as BSON does)."""

    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}

    async def insert_one(self, document: dict[str, Any]) -> None:
        if document["_id"] in self.documents:
            raise DuplicateKeyError("E11000 duplicate key")
        stored = copy.deepcopy(document)
        stored["at"] = stored["at"].astimezone(UTC).replace(tzinfo=None)
        self.documents[document["_id"]] = stored

    def find(self, filter: dict[str, Any], *, sort: list[tuple[str, int]], limit: int) -> AsyncIterator[dict]:
        matches = [doc for doc in self.documents.values() if all(_match(doc, k, v) for k, v in filter.items())]
        for key, direction in reversed(sort):
            matches.sort(key=lambda doc, key=key: doc[key], reverse=direction < 0)
        return _iterate(copy.deepcopy(matches[:limit]))


def _match(document: dict[str, Any], key: str, condition: Any) -> bool:
    value = document[key]
    if not isinstance(condition, dict):
        return value == condition
    naive = {op: bound.astimezone(UTC).replace(tzinfo=None) for op, bound in condition.items()}
    return value >= naive.get("$gte", value) and (value < naive["$lt"] if "$lt" in naive else True)


async def _iterate(documents: list[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
    for document in documents:
        yield document


T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def entry(**overrides: Any) -> AuditEntry:
    fields: dict[str, Any] = {
        "at": T0, "actor": "lawyer-17", "actor_roles": ["lawyer"], "organisation": "org-aide-juridique",
        "action": "victim.read", "resource_type": "victim", "resource_id": "vic_7Qm2xK9",
        "purpose": "prepare partie civile filing", "outcome": "allowed", "correlation_id": "corr-1",
    }
    fields.update(overrides)
    return AuditEntry(**fields)


def test_entry_gets_uuid_and_utc_timestamp_by_default() -> None:
    made = AuditEntry(actor="monitor-3", action="victim.read", resource_type="victim",
                      resource_id="vic_1", outcome="denied")
    assert len(made.id) == 36
    assert made.at.tzinfo == UTC
    assert abs(datetime.now(UTC) - made.at) < timedelta(seconds=5)


def test_roles_from_a_principal_frozenset_are_stored_sorted() -> None:
    assert entry(actor_roles=frozenset({"lawyer", "case_manager"})).actor_roles == ["case_manager", "lawyer"]


def test_timestamp_is_normalised_to_utc() -> None:
    bamako_noon_in_paris = datetime(2025, 3, 1, 13, 0, tzinfo=timezone(timedelta(hours=1)))
    assert entry(at=bamako_noon_in_paris).at == datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def test_naive_timestamp_is_refused() -> None:
    with pytest.raises(ValidationError):
        entry(at=datetime(2025, 3, 1, 9, 0))


@pytest.mark.parametrize("resource_id", ["Aminata Traoré", "awa@example.org", "vic 1", "", "x" * 81, "a/b"])
def test_resource_id_must_be_a_pseudonymous_id(resource_id: str) -> None:
    with pytest.raises(ValidationError):
        entry(resource_id=resource_id)


def test_purpose_and_reason_are_short() -> None:
    assert entry(purpose="p" * 200, reason="r" * 200).purpose == "p" * 200
    with pytest.raises(ValidationError):
        entry(purpose="p" * 201)
    with pytest.raises(ValidationError):
        entry(reason="r" * 201)


@pytest.mark.parametrize("outcome", ["maybe", "ALLOWED", ""])
def test_outcome_is_allowed_or_denied(outcome: str) -> None:
    with pytest.raises(ValidationError):
        entry(outcome=outcome)


def test_unknown_fields_are_refused_so_pii_cannot_ride_along() -> None:
    with pytest.raises(ValidationError):
        entry(victim_name="Aminata Traoré")


@pytest.mark.parametrize("action", ["read", "Victim.Read", "victim read", "victim."])
def test_action_is_a_dotted_verb(action: str) -> None:
    with pytest.raises(ValidationError):
        entry(action=action)


async def test_record_stores_entry_under_its_id() -> None:
    collection = FakeCollection()
    made = entry(action="key.released", purpose="SMS hearing reminder")
    await AuditLog(collection).record(made)
    stored = collection.documents[made.id]
    assert stored["actor"] == "lawyer-17"
    assert stored["action"] == "key.released"
    assert "id" not in stored


async def test_recording_the_same_entry_twice_is_a_no_op() -> None:
    collection, made = FakeCollection(), entry()
    log = AuditLog(collection)
    await log.record(made)
    await log.record(made)
    assert list(collection.documents) == [made.id]


async def test_query_reads_back_entries_exactly_newest_first() -> None:
    log = AuditLog(FakeCollection())
    older, newer = entry(at=T0), entry(at=T0 + timedelta(minutes=5), action="victim.erased")
    await log.record(older)
    await log.record(newer)
    assert await log.query() == [newer, older]


async def test_query_filters_by_actor_and_resource() -> None:
    log = AuditLog(FakeCollection())
    await log.record(mine := entry(actor="lawyer-17", resource_id="vic_A"))
    await log.record(entry(actor="lawyer-17", resource_id="vic_B"))
    await log.record(entry(actor="monitor-3", resource_id="vic_A"))
    assert await log.query(actor="lawyer-17", resource_id="vic_A") == [mine]
    assert len(await log.query(resource_id="vic_A")) == 2


async def test_query_window_includes_since_and_excludes_until() -> None:
    log = AuditLog(FakeCollection())
    times = [T0 + timedelta(hours=hour) for hour in range(4)]
    for at in times:
        await log.record(entry(at=at))
    found = await log.query(since=times[1], until=times[3])
    assert [item.at for item in found] == [times[2], times[1]]


async def test_query_honours_limit_and_refuses_absurd_ones() -> None:
    log = AuditLog(FakeCollection())
    for minute in range(5):
        await log.record(entry(at=T0 + timedelta(minutes=minute)))
    assert len(await log.query(limit=2)) == 2
    with pytest.raises(ValueError):
        await log.query(limit=0)
    with pytest.raises(ValueError):
        await log.query(limit=100_000)


async def test_query_refuses_naive_bounds() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await AuditLog(FakeCollection()).query(since=datetime(2025, 1, 1))
