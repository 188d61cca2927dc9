"""The store's connection drops right after a write landed: the kit retries, and nothing is doubled or lost."""

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
    store, agg, tally_id = EventStore(db, source="/redress/kit"), tally_type("kit.retry"), new_id()
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
    store, agg, tally_id = EventStore(db, source="/redress/kit"), tally_type("kit.retry"), new_id()
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
    store, agg, tally_id = EventStore(db, source="/redress/kit"), tally_type("kit.retry"), new_id()
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
