"""A 15-second broker stop under a steady stream of commands: once the broker is back, the outbox
drains and the consumer catches up on its own, with every event published and consumed once.

The recovery times are measured and written to REDRESS_FAULTS_RESULTS (docs/reliability.md), never
asserted: the machine is shared, so a duration says nothing reliable in a test.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from pymongo.errors import DuplicateKeyError
from servicekit.consumer import ConsumedEvent, ConsumerRunner
from servicekit.envelope import Envelope
from servicekit.eventstore import CommandContext, EventStore
from servicekit.ids import new_id
from servicekit.kafka import ensure_topics, idempotent_producer
from servicekit.relay import OutboxRelay
from servicekit.testing import REPO_ROOT, read_topic, unique_name
from tally import increment, open_tally, tally_type

pytestmark = pytest.mark.integration
KAFKA = str(REPO_ROOT / "deploy/local/kafka.sh")
OUTAGE_SECONDS = 15


def kafka(action: str) -> None:
    subprocess.run([KAFKA, action], check=True, cwd=REPO_ROOT, env=os.environ.copy(), timeout=180)


async def wait_for(check: Any, timeout: float) -> float:
    """Poll until the async check passes; returns when it did (monotonic), fails after the timeout."""
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.25)
    return time.monotonic()


def record(name: str, figures: dict[str, Any]) -> None:
    """Append measured figures to the results file, when one is asked for."""
    target = os.environ.get("REDRESS_FAULTS_RESULTS")
    if target:
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        results = json.loads(path.read_text()) if path.exists() else {}
        results[name] = figures
        path.write_text(json.dumps(results, indent=2))


async def test_outbox_drains_and_consumer_resumes_by_themselves_after_a_broker_restart(infra, mongo):
    if not infra.managed:
        pytest.skip("the broker is not started by this test session (REDRESS_STACK_MANAGED != 1)")
    db = mongo[unique_name("restart")]
    topic, group = unique_name("kit.restart"), unique_name("kit.restart.group")
    await ensure_topics(infra.kafka_bootstrap, [topic], partitions=3)
    store, agg = EventStore(db, source="/redress/kit"), tally_type(topic)

    async def remember(event: ConsumedEvent, deps: Any) -> None:
        try:
            await db.consumed.insert_one({"_id": event.id})
        except DuplicateKeyError:
            await db.consumed_again.insert_one({"event_id": event.id})

    producer = idempotent_producer(infra.kafka_bootstrap, client_id="kit-restart")
    await producer.start()
    runner = ConsumerRunner(bootstrap=infra.kafka_bootstrap, group_id=group, topics=[topic],
                            subscriptions={"kit.tally.opened.v1": [remember], "kit.tally.incremented.v1": [remember]},
                            deps=None, dlq_producer=producer)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(OutboxRelay(db, producer).run(stop)), asyncio.create_task(runner.run(stop))]
    tallies, commands = [new_id() for _ in range(5)], 0
    try:
        for tally_id in tallies:
            await store.execute(agg, tally_id, open_tally("t"), context=CommandContext(actor="t"))
            commands += 1
        await wait_for(lambda: _count(db.consumed, commands), 60)
        await asyncio.to_thread(kafka, "stop")
        stopped = time.monotonic()
        while time.monotonic() - stopped < OUTAGE_SECONDS:  # commands keep arriving while the broker is away
            await store.execute(agg, tallies[commands % 5], increment(1), context=CommandContext(actor="t"))
            commands += 1
            await asyncio.sleep(0.1)
        await asyncio.to_thread(kafka, "start")
        back = time.monotonic()
        drained = await wait_for(lambda: _count(db.outbox, 0), 120)
        caught_up = await wait_for(lambda: _count(db.consumed, commands), 120)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        await producer.stop()
    records = await read_topic(infra.kafka_bootstrap, topic, expected=commands, timeout=60)
    ids = [Envelope.from_record(r.key, r.value, r.headers).id for r in records]
    assert len(ids) == len(set(ids)) == commands  # every event published, none twice
    assert await db.consumed_again.count_documents({}) == 0  # and none consumed twice
    record("broker_restart_kit", {"outage_seconds": OUTAGE_SECONDS, "commands": commands,
                                  "outbox_drained_after_s": round(drained - back, 2),
                                  "consumer_caught_up_after_s": round(caught_up - back, 2)})
    await mongo.drop_database(db.name)


async def _count(collection: Any, expected: int) -> bool:
    return bool(await collection.count_documents({}) == expected)
