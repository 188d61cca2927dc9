"""The write path and the relay against the real FerretDB and Kafka broker."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest
from servicekit.commits import envelopes
from servicekit.envelope import Envelope
from servicekit.errors import Conflict
from servicekit.eventstore import CommandContext, EventStore, commit_id
from servicekit.ids import new_id
from servicekit.integrity import verify_aggregate, verify_store
from servicekit.kafka import ensure_topics, idempotent_producer
from servicekit.relay import OutboxRelay
from servicekit.testing import pending_commits, read_topic, unique_name
from tally import increment, open_tally, tally_type

pytestmark = pytest.mark.integration
CTX = CommandContext(actor="tester")


@pytest.fixture
async def setup(infra, mongo):
    db = mongo[unique_name("kit")]
    topic = unique_name("kit.tallies")
    await ensure_topics(infra.kafka_bootstrap, [topic], partitions=3)
    producer = idempotent_producer(infra.kafka_bootstrap, client_id="kit-test")
    await producer.start()
    yield db, topic, producer
    await producer.stop()
    await mongo.drop_database(db.name)


async def drain(relay: OutboxRelay) -> int:
    total = 0
    while n := await relay.publish_pending():
        total += n
    return total


async def test_commit_then_publish_once(infra, setup):
    db, topic, producer = setup
    store = EventStore(db, source="/redress/kit")
    agg = tally_type(topic)
    tally_id = new_id()
    result = await store.execute(agg, tally_id, open_tally("first"), context=CTX)
    assert result.version == 1 and result.state.label == "first"
    relay = OutboxRelay(db, producer)
    assert await drain(relay) == 1
    assert await pending_commits(db) == 0
    records = await read_topic(infra.kafka_bootstrap, topic, expected=1)
    assert len(records) == 1
    env = Envelope.from_record(records[0].key, records[0].value, records[0].headers)
    assert env.id == result.event_ids[0] and env.subject == tally_id and env.data == {"label": "first"}


def run_killed_writer(infra, db_name: str, topic: str, aggregate_id: str, step: str) -> int:
    script = Path(__file__).with_name("kill_writer.py")
    proc = subprocess.run([sys.executable, str(script), infra.mongo_url, db_name, topic, aggregate_id, step],
                          timeout=60, check=False)
    return proc.returncode


async def test_writer_killed_before_its_commit_publishes_nothing(infra, setup):
    db, topic, producer = setup
    tally_id = new_id()
    assert run_killed_writer(infra, db.name, topic, tally_id, "before_commit") == -9
    relay = OutboxRelay(db, producer)
    assert await drain(relay) == 0
    assert await db.events.find_one({"_id": commit_id(tally_id, 1)}) is None
    assert await read_topic(infra.kafka_bootstrap, topic, idle=1.0) == []


async def test_writer_killed_after_append_is_published_once_after_restart(infra, setup):
    db, topic, producer = setup
    tally_id = new_id()
    assert run_killed_writer(infra, db.name, topic, tally_id, "after_commit") == -9
    assert await db.tallies.find_one({"_id": tally_id}) is None  # died before the projection
    relay = OutboxRelay(db, producer)
    assert await drain(relay) == 1
    assert await drain(relay) == 0
    records = await read_topic(infra.kafka_bootstrap, topic, expected=1)
    assert len(records) == 1
    store = EventStore(db, source="/redress/kit")
    loaded = await store.load(tally_type(topic), tally_id)  # the stale projection is repaired by probing
    assert loaded.version == 1 and loaded.state.label == "crash"
    # The next command first trusts the (missing) projection, collides on the commit id, then probes.
    again = await store.execute(tally_type(topic), tally_id, increment(2), context=CTX)
    assert again.version == 2 and again.state.total == 2
    projection = await db.tallies.find_one({"_id": tally_id})
    assert projection["_version"] == 2 and projection["label"] == "crash"


async def test_rule_refusal_on_a_stale_projection_is_decided_again_on_history(setup):
    db, topic, _ = setup
    store = EventStore(db, source="/redress/kit")
    agg = tally_type(topic)
    tally_id = new_id()
    await store.execute(agg, tally_id, open_tally("stale"), context=CTX)
    await db.tallies.delete_one({"_id": tally_id})  # as if the writer died before its projection
    result = await store.execute(agg, tally_id, increment(3), context=CTX)  # "no such tally" on the projection
    assert result.version == 2 and result.state.total == 3


async def test_relay_passes_while_a_writer_is_between_decision_and_commit_publish_its_commit_once(infra, setup):
    db, topic, producer = setup
    tally_id = new_id()
    relay = OutboxRelay(db, producer)

    async def pause_for_relay(step: str) -> None:
        if step == "before_commit":
            assert await relay.publish_pending() == 0  # nothing is pending before the commit point

    store = EventStore(db, source="/redress/kit", fault_hook=pause_for_relay)
    result = await store.execute(tally_type(topic), tally_id, open_tally("slow"), context=CTX)
    assert result.version == 1
    assert await drain(relay) == 1
    records = await read_topic(infra.kafka_bootstrap, topic, expected=1)
    assert [Envelope.from_record(r.key, r.value, r.headers).id for r in records] == list(result.event_ids)


async def test_fifty_concurrent_commands_keep_contiguous_versions_and_order(infra, setup):
    db, topic, producer = setup
    store = EventStore(db, source="/redress/kit", max_attempts=200)
    agg = tally_type(topic)
    tally_id = new_id()
    await store.execute(agg, tally_id, open_tally("busy"), context=CTX)
    results = await asyncio.gather(*[store.execute(agg, tally_id, increment(i), context=CTX) for i in range(50)])
    versions = sorted(r.version for r in results)
    assert versions == list(range(2, 52))
    loaded = await store.load(agg, tally_id)
    assert loaded.state.increments == 50 and loaded.state.total == sum(range(50))
    relay = OutboxRelay(db, producer)
    assert await drain(relay) == 51
    records = await read_topic(infra.kafka_bootstrap, topic, expected=51)
    assert len(records) == 51
    assert len({r.partition for r in records}) == 1  # one key, one partition
    by_id = {r.event_ids[0]: r.version for r in results}
    published_versions = [by_id.get(Envelope.from_record(r.key, r.value, r.headers).id, 1)
                          for r in sorted(records, key=lambda r: r.offset)]
    assert published_versions == list(range(1, 52))


async def test_redelivered_command_with_same_key_is_a_no_op(setup):
    db, topic, _ = setup
    store = EventStore(db, source="/redress/kit")
    agg = tally_type(topic)
    tally_id = new_id()
    await store.execute(agg, tally_id, open_tally("x"), context=CTX)
    first = await store.execute(agg, tally_id, increment(5), context=CTX, idempotency_key="cause-1")
    again = await store.execute(agg, tally_id, increment(5), context=CTX, idempotency_key="cause-1")
    assert not first.duplicate and again.duplicate
    assert (await store.load(agg, tally_id)).state.total == 5
    assert await pending_commits(db) == 2


async def test_a_create_retried_in_another_process_is_answered_from_its_key(setup):
    db, topic, _ = setup
    agg, tally_id = tally_type(topic), new_id()
    first = await EventStore(db, source="/redress/kit").execute(agg, tally_id, open_tally("x"), context=CTX,
                                                                idempotency_key="create-1", creates=True)
    # Another process: nothing cached, so its first attempt starts from nothing and collides on the commit.
    again = await EventStore(db, source="/redress/kit").execute(agg, tally_id, open_tally("x"), context=CTX,
                                                                idempotency_key="create-1", creates=True)
    assert not first.duplicate and again.duplicate and again.version == 1
    assert await pending_commits(db) == 1


async def test_a_create_under_a_taken_id_is_decided_on_the_history(setup):
    db, topic, _ = setup
    agg, tally_id = tally_type(topic), new_id()
    await EventStore(db, source="/redress/kit").execute(agg, tally_id, open_tally("first"), context=CTX)
    with pytest.raises(Conflict):  # open_tally refuses an open tally: the rule saw the stored one
        await EventStore(db, source="/redress/kit").execute(agg, tally_id, open_tally("second"), context=CTX,
                                                            creates=True)
    loaded = await EventStore(db, source="/redress/kit").load(agg, tally_id)
    assert loaded.version == 1 and loaded.state.label == "first"
    assert await pending_commits(db) == 1


async def test_chain_verification_detects_edit_and_deletion(setup):
    db, topic, _ = setup
    store = EventStore(db, source="/redress/kit")
    agg = tally_type(topic)
    tally_id = new_id()
    await store.execute(agg, tally_id, open_tally("audit"), context=CTX)
    for i in range(3):
        await store.execute(agg, tally_id, increment(i + 1), context=CTX)
    assert (await verify_aggregate(store, agg, tally_id)).ok
    await db.events.update_one({"_id": commit_id(tally_id, 2)}, {"$set": {"events.0.data.by": 99}})
    report = await verify_aggregate(store, agg, tally_id)
    assert not report.ok and any("edited" in p.problem for p in report.problems)
    other = new_id()
    await store.execute(agg, other, open_tally("other"), context=CTX)
    await store.execute(agg, other, increment(1), context=CTX)
    await db.events.delete_one({"_id": commit_id(other, 2)})
    full = await verify_store(store, [agg])
    assert not full.ok
    assert {p.aggregate_id for p in full.problems} == {tally_id, other}


async def test_racing_writers_of_one_idempotent_command_commit_it_once(setup):
    db, topic, _ = setup
    store = EventStore(db, source="/redress/kit")
    agg = tally_type(topic)
    tally_id = new_id()
    await store.execute(agg, tally_id, open_tally("race"), context=CTX)
    results = await asyncio.gather(*[store.execute(agg, tally_id, increment(4), context=CTX,
                                                   idempotency_key="same-cause") for _ in range(5)])
    assert sum(not r.duplicate for r in results) == 1  # one commit, every other racer sees it
    loaded = await store.load(agg, tally_id)
    assert loaded.version == 2 and loaded.state.total == 4
    assert await pending_commits(db) == 2


async def test_entries_left_in_the_former_outbox_are_published_once_after_an_upgrade(infra, setup):
    db, topic, producer = setup
    store = EventStore(db, source="/redress/kit")
    result = await store.execute(tally_type(topic), new_id(), open_tally("old"), context=CTX)
    commit = await db.events.find_one_and_update({"_id": commit_id(result.aggregate_id, 1)},
                                                 {"$unset": {"outbox": ""}})  # as the former kit stored it
    env = envelopes(commit)[0]
    await db.outbox.insert_many([
        {"_id": env.id, "event_id": env.id, "commit_id": commit["_id"], "aggregate_id": env.subject, "version": 1,
         "seq": 0, "topic": topic, "headers": {k: v.decode() for k, v in env.headers()},
         "value": env.value().decode(), "created_at": time.time()},
        {"_id": "lost-race", "event_id": "lost-race", "commit_id": commit_id(new_id(), 1), "aggregate_id": "x",
         "version": 1, "seq": 0, "topic": topic, "headers": {}, "value": "{}", "created_at": time.time() - 120},
    ])
    stop = asyncio.Event()
    task = asyncio.create_task(OutboxRelay(db, producer).run(stop))
    records = await read_topic(infra.kafka_bootstrap, topic, expected=1)
    stop.set()
    await task
    assert [Envelope.from_record(r.key, r.value, r.headers).id for r in records] == list(result.event_ids)
    assert await db.outbox.count_documents({}) == 0  # published, and the writer that never committed dropped
    assert len(await read_topic(infra.kafka_bootstrap, topic, idle=1.0)) == 1  # once, not again by the new relay


async def test_an_idle_relay_is_woken_by_a_commit_of_its_own_process(infra, setup):
    db, topic, producer = setup
    store = EventStore(db, source="/redress/kit")
    # Polls that would come only after the read below gave up: only the commit signal can wake it sooner.
    relay = OutboxRelay(db, producer, poll_interval_seconds=60, idle_poll_seconds=60, wake=store.committed)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    await asyncio.sleep(0.5)  # its first pass found nothing: it waits
    result = await store.execute(tally_type(topic), new_id(), open_tally("woken"), context=CTX)
    records = await read_topic(infra.kafka_bootstrap, topic, expected=1, timeout=30)
    stop.set()
    await task
    assert [Envelope.from_record(r.key, r.value, r.headers).id for r in records] == list(result.event_ids)
