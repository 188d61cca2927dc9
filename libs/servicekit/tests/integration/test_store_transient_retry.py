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
    queued = await db.outbox.find({"aggregate_id": tally_id, "version": 2}).to_list()
    assert [e["event_id"] for e in queued] == list(committed.event_ids)  # still queued for the relay
    await mongo.drop_database(db.name)


async def test_outbox_entries_whose_answer_was_lost_are_queued_once(mongo):
    db = mongo[unique_name("retry")]
    store, agg, tally_id = EventStore(db, source="/redress/kit"), tally_type("kit.retry"), new_id()
    store.outbox = DropsAfterWrite(store.outbox, "insert_many")  # type: ignore[assignment]
    committed = await store.execute(agg, tally_id, open_tally("t"), context=CommandContext(actor="t"))
    assert store.outbox.dropped
    assert committed.version == 1
    assert await db.events.count_documents({"aggregate_id": tally_id}) == 1
    assert await db.outbox.count_documents({"aggregate_id": tally_id}) == 1
    await mongo.drop_database(db.name)
