"""Store round trips of the write path and of a relay pass, counted by a PyMongo command listener.

A count, never a time: the figures that matter on a shared machine are how many times the kit goes to
the store, and that they do not grow with the number of events relayed. A commit and its projection are
one `bulkWrite` on the local store (and MongoDB 8), two requests on a store without it (MongoDB 7).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient, monitoring
from pymongo.errors import OperationFailure
from servicekit.eventstore import CommandContext, EventStore
from servicekit.ids import new_id
from servicekit.kafka import ensure_topics, idempotent_producer
from servicekit.relay import OutboxRelay
from servicekit.testing import eventually, pending_commits, unique_name
from tally import increment, open_tally, tally_type

pytestmark = pytest.mark.integration
CTX = CommandContext(actor="tester")


class Commands(monitoring.CommandListener):
    """The names of the commands a client sent to the store."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.on_events: list[str] = []  # the commands sent to the `events` collection only

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self.names.append(event.command_name)
        namespaces = [ns["ns"].split(".", 1)[1] for ns in event.command.get("nsInfo", [])]  # a bulkWrite's
        if event.command.get(event.command_name) == "events" or "events" in namespaces:
            self.on_events.append(event.command_name)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass

    def take(self) -> list[str]:
        names, self.names = self.names, []
        return names


@pytest.fixture
async def counted(infra) -> AsyncIterator[tuple[Commands, Any]]:
    listener = Commands()
    client: AsyncMongoClient = AsyncMongoClient(infra.mongo_url, event_listeners=[listener])
    db = client[unique_name("trips")]
    await db.command("ping")
    listener.take()
    yield listener, db
    await client.drop_database(db.name)
    await client.close()


async def test_a_command_on_a_new_aggregate_takes_two_round_trips(counted):
    listener, db = counted
    store = EventStore(db, source="/redress/kit")
    await store.execute(tally_type("kit.trips"), new_id(), open_tally("new"), context=CTX)
    assert listener.take() == ["find", "bulkWrite"]  # projection read; commit and first projection


async def test_a_command_that_creates_its_aggregate_takes_one_round_trip(counted):
    listener, db = counted
    store = EventStore(db, source="/redress/kit")
    await store.execute(tally_type("kit.trips"), new_id(), open_tally("new"), context=CTX, creates=True)
    assert listener.take() == ["bulkWrite"]  # commit and first projection: a minted id is read nowhere


async def test_a_command_on_an_aggregate_this_process_wrote_takes_one_round_trip(counted):
    listener, db = counted
    store, agg, tally_id = EventStore(db, source="/redress/kit"), tally_type("kit.trips"), new_id()
    await store.execute(agg, tally_id, open_tally("cached"), context=CTX)
    listener.take()
    result = await store.execute(agg, tally_id, increment(2), context=CTX)
    assert result.version == 2 and result.state.total == 2
    assert listener.take() == ["bulkWrite"]  # commit and projection write: the state came from the cache
    assert (await db[tally_type("kit.trips").collection].find_one({"_id": tally_id}))["_version"] == 2


async def test_without_bulk_writes_a_commit_and_its_projection_take_two_round_trips(counted):
    listener, db = counted
    store, agg, tally_id = EventStore(db, source="/redress/kit", bulk_writes=False), tally_type("kit.trips"), new_id()
    await store.execute(agg, tally_id, open_tally("new"), context=CTX)
    assert listener.take() == ["find", "insert", "insert"]  # projection read, commit, first projection
    await store.execute(agg, new_id(), open_tally("new"), context=CTX, creates=True)
    assert listener.take() == ["insert", "insert"]
    await store.execute(agg, tally_id, increment(2), context=CTX)
    assert listener.take() == ["insert", "update"]  # commit, projection write


async def test_a_relay_pass_takes_two_round_trips_whatever_the_number_of_commits(infra, counted):
    listener, db = counted
    topic = unique_name("kit.trips")
    await ensure_topics(infra.kafka_bootstrap, [topic], partitions=3)
    store, agg = EventStore(db, source="/redress/kit"), tally_type(topic)
    for _ in range(120):
        await store.execute(agg, new_id(), open_tally("batch"), context=CTX)
    producer = idempotent_producer(infra.kafka_bootstrap, client_id="kit-trips")
    await producer.start()
    try:
        listener.take()
        assert await OutboxRelay(db, producer, batch_size=500).publish_pending() == 120
        assert listener.take() == ["find", "update"]  # pending commits in one batch, unmarked in one update
    finally:
        await producer.stop()
    assert await pending_commits(db) == 0


async def test_a_woken_relay_reads_the_pending_commits_once_per_commit_when_commits_come_one_at_a_time(infra, counted):
    listener, db = counted
    topic = unique_name("kit.trips")
    await ensure_topics(infra.kafka_bootstrap, [topic], partitions=3)
    store, agg = EventStore(db, source="/redress/kit"), tally_type(topic)
    producer = idempotent_producer(infra.kafka_bootstrap, client_id="kit-trips-woken")
    await producer.start()
    # A poll far away: every pass here is the first one or one a commit woke.
    relay = OutboxRelay(db, producer, poll_interval_seconds=60, idle_poll_seconds=60, wake=store.committed)

    async def first_pass_done() -> bool:
        return listener.on_events == ["find"]

    async def published() -> bool:
        return await pending_commits(db) == 0

    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        await eventually(first_pass_done, "the relay's first pass", interval=0.01)
        for _ in range(2):
            await store.execute(agg, new_id(), open_tally("woken"), context=CTX)
            await eventually(published, "the commit published", interval=0.01)
    finally:
        stop.set()
        await task
        await producer.stop()
    relayed = [name for name in listener.on_events if name != "aggregate"]  # the test's own counts are aggregates
    # Per commit: its bulkWrite, one read of the pending ones, one unmarking; no second read that finds nothing.
    assert relayed == ["find", "bulkWrite", "find", "update", "bulkWrite", "find", "update"]


class NoBulkWrite:
    """The admin database of a store without `bulkWrite` (MongoDB 7): "no such command", nothing written."""

    async def command(self, command: dict[str, Any]) -> dict[str, Any]:
        raise OperationFailure(f"no such command: '{next(iter(command))}'", 59)


async def test_a_store_without_bulk_write_gets_two_requests_from_the_first_command_on(counted):
    listener, db = counted
    store, agg, tally_id = EventStore(db, source="/redress/kit"), tally_type("kit.trips"), new_id()
    store.bulk.admin = NoBulkWrite()  # type: ignore[assignment]
    await store.execute(agg, tally_id, open_tally("new"), context=CTX, creates=True)
    assert not store.bulk.available
    assert listener.take() == ["insert", "insert"]  # commit, first projection
    await store.execute(agg, tally_id, increment(1), context=CTX)
    assert listener.take() == ["insert", "update"]
    assert (await store.load(agg, tally_id)).state.total == 1
