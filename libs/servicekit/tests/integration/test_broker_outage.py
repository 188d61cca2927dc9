"""Broker stopped for ~10 s while commands keep arriving: afterwards every event is on Kafka, once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time

import pytest
from servicekit.envelope import Envelope
from servicekit.eventstore import CommandContext, EventStore
from servicekit.ids import new_id
from servicekit.kafka import ensure_topics, idempotent_producer
from servicekit.relay import OutboxRelay
from servicekit.testing import REPO_ROOT, pending_commits, read_topic, unique_name
from tally import increment, open_tally, tally_type

pytestmark = pytest.mark.integration
KAFKA = str(REPO_ROOT / "deploy/local/kafka.sh")


def kafka(action: str) -> None:
    subprocess.run([KAFKA, action], check=True, cwd=REPO_ROOT, env=os.environ.copy(), timeout=180)


async def test_commands_during_a_broker_outage_are_all_published_once(infra, mongo):
    if not infra.managed:
        pytest.skip("the broker is not started by this test session (REDRESS_STACK_MANAGED != 1)")
    db = mongo[unique_name("outage")]
    topic = unique_name("kit.outage")
    await ensure_topics(infra.kafka_bootstrap, [topic], partitions=3)
    store = EventStore(db, source="/redress/kit")
    agg = tally_type(topic)
    producer = idempotent_producer(infra.kafka_bootstrap, client_id="kit-outage")
    await producer.start()
    stop = asyncio.Event()
    relay_task = asyncio.create_task(OutboxRelay(db, producer, poll_interval_seconds=0.05).run(stop))
    tallies = [new_id() for _ in range(5)]
    commands = 0
    try:
        for tally_id in tallies:
            await store.execute(agg, tally_id, open_tally("t"), context=CommandContext(actor="t"))
            commands += 1
        await asyncio.to_thread(kafka, "stop")
        outage_started = time.monotonic()
        while time.monotonic() - outage_started < 10:  # commands keep arriving while the broker is down
            await store.execute(agg, tallies[commands % 5], increment(1), context=CommandContext(actor="t"))
            commands += 1
            await asyncio.sleep(0.1)
        assert await pending_commits(db) > 0  # nothing could be published meanwhile
        await asyncio.to_thread(kafka, "start")
        deadline = time.monotonic() + 90
        while await pending_commits(db) and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        assert await pending_commits(db) == 0
    finally:
        stop.set()
        await relay_task
        await producer.stop()
    records = await read_topic(infra.kafka_bootstrap, topic, expected=commands, timeout=60)
    ids = [Envelope.from_record(r.key, r.value, r.headers).id for r in records]
    assert len(set(ids)) == commands  # every command's event arrived
    assert len(ids) == commands  # and none twice
    await mongo.drop_database(db.name)
