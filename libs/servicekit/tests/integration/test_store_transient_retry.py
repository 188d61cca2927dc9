"""The store's connection drops right after a write landed: the kit retries, and nothing is doubled or lost.

Both ways a commit and its projection are written: one `bulkWrite` (the local store, MongoDB 8) and two
requests (MongoDB 7, `bulk_writes=False`).
"""

from __future__ import annotations

from typing import Any

import pytest
from pymongo.errors import AutoReconnect
from servicekit.eventstore import CommandContext, EventStore
from servicekit.ids import new_id
from servicekit.testing import unique_name
from tally import increment, open_tally, tally_type

pytestmark = pytest.mark.integration


class DropsAfterWrite:
    """A real collection whose connection drops once, just after the store applied a write."""

    def __init__(self, real: Any, method: str) -> None:
        self.real, self.method, self.dropped = real, method, False

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.real, name)
        if name != self.method or self.dropped:
            return attribute

        async def write_then_drop(*args: Any, **kwargs: Any) -> Any:
            await attribute(*args, **kwargs)
            self.dropped = True
            raise AutoReconnect("connection closed before the answer")

        return write_then_drop


async def test_a_commit_whose_answer_was_lost_is_kept_once_with_its_events_queued(mongo):
    db = mongo[unique_name("retry")]
    store, agg, tally_id = EventStore(db, source="/redress/kit", bulk_writes=False), tally_type("kit.retry"), new_id()
    await store.execute(agg, tally_id, open_tally("t"), context=CommandContext(actor="t"))
    store.events = DropsAfterWrite(store.events, "insert_one")  # type: ignore[assignment]
    committed = await store.execute(agg, tally_id, increment(5), context=CommandContext(actor="t"))
    assert store.events.dropped
    assert committed.version == 2
    assert await db.events.count_documents({"aggregate_id": tally_id}) == 2
    assert (await store.load(agg, tally_id)).state.total == 5
    queued = await db.events.find({"aggregate_id": tally_id, "version": 2, "outbox": "pending"}).to_list()
    assert [[e["id"] for e in c["events"]] for c in queued] == [list(committed.event_ids)]  # once, for the relay
    await mongo.drop_database(db.name)


async def test_a_projection_whose_answer_was_lost_is_saved_once_and_the_command_succeeds(mongo):
    db = mongo[unique_name("retry")]
    store, agg, tally_id = EventStore(db, source="/redress/kit", bulk_writes=False), tally_type("kit.retry"), new_id()
    real = db[agg.collection]
    # A first version's projection is inserted (projections.save_projection).
    store.db = {agg.collection: DropsAfterWrite(real, "insert_one")}  # type: ignore[assignment]
    committed = await store.execute(agg, tally_id, open_tally("t"), context=CommandContext(actor="t"))
    assert store.db[agg.collection].dropped
    assert committed.version == 1
    assert await db.events.count_documents({"aggregate_id": tally_id}) == 1
    projection = await real.find_one({"_id": tally_id})
    assert projection["_version"] == 1 and projection["label"] == "t"
    await mongo.drop_database(db.name)


async def test_a_later_projection_whose_answer_was_lost_is_saved_once_and_the_command_succeeds(mongo):
    db = mongo[unique_name("retry")]
    store, agg, tally_id = EventStore(db, source="/redress/kit", bulk_writes=False), tally_type("kit.retry"), new_id()
    real = db[agg.collection]
    await store.execute(agg, tally_id, open_tally("t"), context=CommandContext(actor="t"))
    store.db = {agg.collection: DropsAfterWrite(real, "replace_one")}  # type: ignore[assignment]
    committed = await store.execute(agg, tally_id, increment(5), context=CommandContext(actor="t"))
    assert store.db[agg.collection].dropped
    assert committed.version == 2
    assert await db.events.count_documents({"aggregate_id": tally_id}) == 2
    projection = await real.find_one({"_id": tally_id})
    assert projection["_version"] == 2 and projection["total"] == 5
    await mongo.drop_database(db.name)


async def test_a_bulk_write_whose_answer_was_lost_leaves_one_commit_and_its_projection(mongo):
    db = mongo[unique_name("retry")]
    store, agg, tally_id = EventStore(db, source="/redress/kit"), tally_type("kit.retry"), new_id()
    await store.execute(agg, tally_id, open_tally("t"), context=CommandContext(actor="t"))
    store.bulk.admin = DropsAfterWrite(store.bulk.admin, "command")  # type: ignore[assignment]
    committed = await store.execute(agg, tally_id, increment(5), context=CommandContext(actor="t"))
    assert store.bulk.admin.dropped and store.bulk.available
    assert committed.version == 2
    assert await db.events.count_documents({"aggregate_id": tally_id}) == 2
    queued = await db.events.find({"aggregate_id": tally_id, "version": 2, "outbox": "pending"}).to_list()
    assert [[e["id"] for e in c["events"]] for c in queued] == [list(committed.event_ids)]  # once, for the relay
    projection = await db[agg.collection].find_one({"_id": tally_id})
    assert projection["_version"] == 2 and projection["total"] == 5
    await mongo.drop_database(db.name)


async def test_a_first_bulk_write_whose_answer_was_lost_is_kept_once(mongo):
    db = mongo[unique_name("retry")]
    store, agg, tally_id = EventStore(db, source="/redress/kit"), tally_type("kit.retry"), new_id()
    await store.execute(agg, new_id(), open_tally("other"), context=CommandContext(actor="t"))  # the collections exist
    store.bulk.admin = DropsAfterWrite(store.bulk.admin, "command")  # type: ignore[assignment]
    committed = await store.execute(agg, tally_id, open_tally("t"), context=CommandContext(actor="t"), creates=True)
    assert store.bulk.admin.dropped
    assert committed.version == 1 and not committed.duplicate
    assert [c["version"] for c in await db.events.find({"aggregate_id": tally_id}).to_list()] == [1]
    projection = await db[agg.collection].find_one({"_id": tally_id})
    assert projection["_version"] == 1 and projection["label"] == "t"
    await mongo.drop_database(db.name)


class DropsBeforeWrite:
    """A real admin database whose connection drops once, before the store received the command."""

    def __init__(self, real: Any) -> None:
        self.real, self.dropped = real, False

    async def command(self, *args: Any, **kwargs: Any) -> Any:
        if not self.dropped:
            self.dropped = True
            raise AutoReconnect("connection closed before the command was sent")
        return await self.real.command(*args, **kwargs)


async def test_a_bulk_write_that_never_reached_the_store_is_written_by_the_read_back(mongo):
    db = mongo[unique_name("retry")]
    store, agg, tally_id = EventStore(db, source="/redress/kit"), tally_type("kit.retry"), new_id()
    await store.execute(agg, tally_id, open_tally("t"), context=CommandContext(actor="t"))
    store.bulk.admin = DropsBeforeWrite(store.bulk.admin)  # type: ignore[assignment]
    committed = await store.execute(agg, tally_id, increment(3), context=CommandContext(actor="t"))
    assert store.bulk.admin.dropped
    assert committed.version == 2
    assert [c["version"] for c in await db.events.find({"aggregate_id": tally_id}).sort("version").to_list()] == [1, 2]
    projection = await db[agg.collection].find_one({"_id": tally_id})
    assert projection["_version"] == 2 and projection["total"] == 3
    await mongo.drop_database(db.name)
