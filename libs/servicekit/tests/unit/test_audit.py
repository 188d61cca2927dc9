"""Audit entries: shape that keeps PII out, a hash chain of positions, idempotent recording, and queries."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError
from pymongo.errors import AutoReconnect, DuplicateKeyError
from servicekit.audit import GENESIS_HASH, AuditEntry, AuditLog, chain_hash, entry_of, seq_id


class FakeCollection:
    """In-memory stand-in for an async PyMongo collection (stores dates naive UTC, as BSON does)."""

    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}

    async def insert_one(self, document: dict[str, Any]) -> None:
        if document["_id"] in self.documents:
            raise DuplicateKeyError("E11000 duplicate key")
        stored = copy.deepcopy(document)
        if "at" in stored:
            stored["at"] = stored["at"].astimezone(UTC).replace(tzinfo=None)
        self.documents[document["_id"]] = stored

    async def find_one(self, filter: dict[str, Any]) -> dict[str, Any] | None:
        found = self.documents.get(filter["_id"])
        return copy.deepcopy(found) if found is not None else None

    async def update_one(self, filter: dict[str, Any], update: dict[str, Any], *, upsert: bool = False) -> None:
        # Only the head's conditional move is needed: {_id, seq: {$lt: n}} -> $set, else a duplicate on upsert.
        current = self.documents.get(filter["_id"])
        if current is not None and current["seq"] < filter["seq"]["$lt"]:
            current.update(update["$set"])
        elif current is None and upsert:
            self.documents[filter["_id"]] = {"_id": filter["_id"], **update["$set"]}
        elif current is not None and upsert:
            raise DuplicateKeyError("E11000 duplicate key")

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


def new_log() -> tuple[AuditLog, FakeCollection, FakeCollection]:
    entries, head = FakeCollection(), FakeCollection()
    return AuditLog(entries, head), entries, head


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


async def test_record_stores_the_first_entry_at_position_one_chained_to_genesis() -> None:
    log, entries, _ = new_log()
    made = entry(action="key.released", purpose="SMS hearing reminder")
    await log.record(made)
    stored = entries.documents[seq_id(1)]
    assert (stored["seq"], stored["entry_id"], stored["prev_hash"]) == (1, made.id, GENESIS_HASH)
    assert stored["hash"] == chain_hash(made, 1, GENESIS_HASH)
    assert (stored["actor"], stored["action"]) == ("lawyer-17", "key.released")
    assert "id" not in stored


async def test_each_entry_links_to_the_hash_of_the_one_before() -> None:
    log, entries, head = new_log()
    first, second = entry(), entry(action="victim.erased")
    await log.record(first)
    await log.record(second)
    one, two = entries.documents[seq_id(1)], entries.documents[seq_id(2)]
    assert two["prev_hash"] == one["hash"]
    assert two["hash"] == chain_hash(second, 2, one["hash"])
    assert (head.documents["head"]["seq"], head.documents["head"]["hash"]) == (2, two["hash"])


async def test_an_entry_read_back_hashes_as_it_did_when_written() -> None:
    log, entries, _ = new_log()
    made = entry(at=datetime(2025, 3, 1, 9, 0, 0, 123456, tzinfo=UTC))
    await log.record(made)
    stored = entries.documents[seq_id(1)]
    assert chain_hash(entry_of(stored), 1, GENESIS_HASH) == stored["hash"]


async def test_a_writer_that_lost_a_position_to_another_process_takes_the_next_one() -> None:
    entries, head = FakeCollection(), FakeCollection()
    ours, theirs = AuditLog(entries, head), AuditLog(entries, head)
    await ours.record(entry(actor="a"))
    await theirs.record(entry(actor="b"))  # starts from the stored head, position 2
    await ours.record(entry(actor="c"))  # its cached head says 1: loses position 2, takes 3
    stored = [entries.documents[seq_id(n)] for n in (1, 2, 3)]
    assert [d["actor"] for d in stored] == ["a", "b", "c"]
    assert stored[2]["prev_hash"] == stored[1]["hash"]


async def test_a_retried_insert_whose_acknowledgement_was_lost_is_not_doubled() -> None:
    entries, head = FakeCollection(), FakeCollection()
    made = entry()
    await AuditLog(entries, head).record(made)
    head.documents.clear()  # as if the head update never happened: a fresh writer starts from genesis
    await AuditLog(entries, head).record(made)
    assert list(entries.documents) == [seq_id(1)]


async def test_recording_the_same_entry_twice_is_a_no_op() -> None:
    log, entries, _ = new_log()
    made = entry()
    await log.record(made)
    await log.record(made)
    assert list(entries.documents) == [seq_id(1)]


class HeadDownOnce(FakeCollection):
    """A head collection whose first update fails, as a store blip would."""

    def __init__(self) -> None:
        super().__init__()
        self.failed = False

    async def update_one(self, filter: dict[str, Any], update: dict[str, Any], *, upsert: bool = False) -> None:
        if not self.failed:
            self.failed = True
            raise AutoReconnect("store away")
        await super().update_one(filter, update, upsert=upsert)


async def test_records_whose_batch_failed_on_the_head_are_not_appended_twice_when_recorded_again() -> None:
    entries, head = FakeCollection(), HeadDownOnce()
    log = AuditLog(entries, head)
    first, second = entry(actor="a"), entry(actor="b")
    outcomes = await asyncio.gather(log.record(first), log.record(second), return_exceptions=True)
    assert all(isinstance(outcome, AutoReconnect) for outcome in outcomes)  # neither returned without a head
    await log.record(first)
    await log.record(second)
    assert [d["actor"] for d in entries.documents.values()] == ["a", "b"]
    assert head.documents["head"]["seq"] == 2


async def test_query_reads_back_entries_exactly_newest_first() -> None:
    log, _, _ = new_log()
    older, newer = entry(at=T0), entry(at=T0 + timedelta(minutes=5), action="victim.erased")
    await log.record(older)
    await log.record(newer)
    assert await log.query() == [newer, older]


async def test_query_filters_by_actor_and_resource() -> None:
    log, _, _ = new_log()
    await log.record(mine := entry(actor="lawyer-17", resource_id="vic_A"))
    await log.record(entry(actor="lawyer-17", resource_id="vic_B"))
    await log.record(entry(actor="monitor-3", resource_id="vic_A"))
    assert await log.query(actor="lawyer-17", resource_id="vic_A") == [mine]
    assert len(await log.query(resource_id="vic_A")) == 2


async def test_query_filters_by_the_organisation_whose_record_it_is() -> None:
    log, _, _ = new_log()
    await log.record(ours := entry(owner_organisation="org-amdh"))
    await log.record(entry(owner_organisation="org-other"))
    await log.record(entry())
    assert await log.query(owner_organisation="org-amdh") == [ours]


async def test_query_window_includes_since_and_excludes_until() -> None:
    log, _, _ = new_log()
    times = [T0 + timedelta(hours=hour) for hour in range(4)]
    for at in times:
        await log.record(entry(at=at))
    found = await log.query(since=times[1], until=times[3])
    assert [item.at for item in found] == [times[2], times[1]]


async def test_query_honours_limit_and_refuses_absurd_ones() -> None:
    log, _, _ = new_log()
    for minute in range(5):
        await log.record(entry(at=T0 + timedelta(minutes=minute)))
    assert len(await log.query(limit=2)) == 2
    with pytest.raises(ValueError):
        await log.query(limit=0)
    with pytest.raises(ValueError):
        await log.query(limit=100_000)


async def test_query_refuses_naive_bounds() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await new_log()[0].query(since=datetime(2025, 1, 1))


async def test_entries_recorded_together_are_chained_in_order_with_one_head_update() -> None:
    log, entries, head = new_log()
    listed = [entry(resource_id=f"vic_{n}") for n in range(3)]
    await log.record_many(listed)
    stored = [entries.documents[seq_id(n)] for n in (1, 2, 3)]
    assert [d["resource_id"] for d in stored] == ["vic_0", "vic_1", "vic_2"]
    assert stored[2]["prev_hash"] == stored[1]["hash"] and stored[1]["prev_hash"] == stored[0]["hash"]
    assert (head.documents["head"]["seq"], head.documents["head"]["hash"]) == (3, stored[2]["hash"])


def test_any_organisation_code_the_identity_provider_gives_is_accepted_as_owner() -> None:
    # Found by the secure-broker system test: a token whose org claim is "o" made every audited write a 500.
    assert entry(owner_organisation="o").owner_organisation == "o"
    with pytest.raises(ValidationError):
        entry(owner_organisation="x" * 101)
