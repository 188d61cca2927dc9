"""The consume path against the real broker and store: crash, redelivery, poison records."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from consumer_support import LEDGER_ID, build_runner
from pymongo import AsyncMongoClient
from servicekit.envelope import Envelope, utcnow
from servicekit.eventstore import EventStore
from servicekit.ids import new_id
from servicekit.kafka import ensure_topics, idempotent_producer
from servicekit.testing import header, read_topic, unique_name
from tally import tally_type

pytestmark = pytest.mark.integration


def deposit(amount: int | str) -> Envelope:
    return Envelope(id=new_id(), source="/redress/kit", type="kit.money.deposited.v1", subject="acct-1",
                    time=utcnow(), data={"amount": amount})


async def publish(bootstrap: str, topic: str, *envelopes: Envelope, raw: list[bytes] | None = None) -> None:
    producer = idempotent_producer(bootstrap, client_id="kit-test-publisher")
    await producer.start()
    try:
        for env in envelopes:
            await producer.send_and_wait(topic, env.value(), key=env.key(), headers=env.headers())
        for value in raw or []:
            await producer.send_and_wait(topic, value, key=b"acct-1", headers=[("ce_type", b"x")])
    finally:
        await producer.stop()


async def ledger_total(mongo: AsyncMongoClient, db_name: str, topic: str) -> tuple[int, int]:
    loaded = await EventStore(mongo[db_name], source="/redress/kit").load(tally_type(f"{topic}.ledger"), LEDGER_ID)
    return loaded.state.total, loaded.state.increments


async def run_until(runner, predicate, timeout: float = 30.0) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while not await predicate():
            assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
            assert not task.done(), task.exception()
            await asyncio.sleep(0.2)
    finally:
        stop.set()
        await task


@pytest.fixture
async def topic(infra, mongo):
    name = unique_name("kit.money")
    await ensure_topics(infra.kafka_bootstrap, [name], partitions=1)
    return name


async def test_crash_after_effect_before_commit_gives_no_second_effect(infra, mongo, topic):
    db_name, group = unique_name("kitc"), unique_name("kit.group")
    await publish(infra.kafka_bootstrap, topic, deposit(7))
    script = Path(__file__).with_name("kill_consumer.py")
    proc = subprocess.run([sys.executable, str(script), infra.kafka_bootstrap, infra.mongo_url, db_name, topic, group],
                          timeout=90, check=False)
    assert proc.returncode == -9
    assert await ledger_total(mongo, db_name, topic) == (7, 1)  # the effect happened, the offset did not move
    runner, producer = await build_runner(infra.kafka_bootstrap, infra.mongo_url, db_name, topic, group)
    marker = deposit(1)
    await publish(infra.kafka_bootstrap, topic, marker)

    async def marker_applied() -> bool:
        return (await ledger_total(mongo, db_name, topic))[1] == 2

    try:
        await run_until(runner, marker_applied)
    finally:
        await producer.stop()
    assert await ledger_total(mongo, db_name, topic) == (8, 2)  # the redelivered 7 counted once


async def test_every_event_delivered_twice_is_applied_once(infra, mongo, topic):
    db_name, group = unique_name("kitd"), unique_name("kit.group")
    events = [deposit(n) for n in (1, 2, 3)]
    await publish(infra.kafka_bootstrap, topic, *events, *events)
    runner, producer = await build_runner(infra.kafka_bootstrap, infra.mongo_url, db_name, topic, group)

    async def all_seen() -> bool:
        return (await ledger_total(mongo, db_name, topic))[1] >= 3

    try:
        await run_until(runner, all_seen)
        await asyncio.sleep(1.0)
    finally:
        await producer.stop()
    assert await ledger_total(mongo, db_name, topic) == (6, 3)


async def test_poison_records_go_to_the_dlq_and_the_next_record_is_processed(infra, mongo, topic):
    db_name, group = unique_name("kitp"), unique_name("kit.group")
    schema_invalid, rejected, good = deposit("lots"), deposit(-5), deposit(4)
    await publish(infra.kafka_bootstrap, topic, schema_invalid, raw=[b"\xff not json"])
    await publish(infra.kafka_bootstrap, topic, rejected, good)
    runner, producer = await build_runner(infra.kafka_bootstrap, infra.mongo_url, db_name, topic, group,
                                          max_attempts=3)

    async def good_applied() -> bool:
        return (await ledger_total(mongo, db_name, topic))[1] == 1

    try:
        await run_until(runner, good_applied)
    finally:
        await producer.stop()
    assert await ledger_total(mongo, db_name, topic) == (4, 1)
    dead = await read_topic(infra.kafka_bootstrap, f"{group}.dlq", expected=3)
    assert len(dead) == 3
    by_type = {header(r, "dlq_error_type"): r for r in dead}
    assert set(by_type) == {"ValidationError", "InvalidEnvelope", "Conflict"}
    invalid = by_type["ValidationError"]
    assert header(invalid, "ce_id") == schema_invalid.id  # original headers kept
    assert header(invalid, "dlq_attempts") == "3"
    assert header(invalid, "dlq_original_topic") == topic
    assert header(invalid, "dlq_consumer_group") == group
    assert "lots" not in header(invalid, "dlq_error_reason")  # the offending value is never echoed
    assert header(by_type["InvalidEnvelope"], "dlq_attempts") == "1"
    assert json.loads(by_type["Conflict"].value) == {"amount": -5}


async def test_rebalance_while_consuming_loses_and_doubles_nothing(infra, mongo):
    topic = unique_name("kit.money")
    await ensure_topics(infra.kafka_bootstrap, [topic], partitions=3)
    db_name, group = unique_name("kitr"), unique_name("kit.group")
    amounts = list(range(1, 61))
    events = [Envelope(id=new_id(), source="/redress/kit", type="kit.money.deposited.v1", subject=f"acct-{n % 7}",
                       time=utcnow(), data={"amount": n}) for n in amounts]
    await publish(infra.kafka_bootstrap, topic, *events[:30])
    first, first_producer = await build_runner(infra.kafka_bootstrap, infra.mongo_url, db_name, topic, group)
    second, second_producer = await build_runner(infra.kafka_bootstrap, infra.mongo_url, db_name, topic, group)
    stop_first, stop_second = asyncio.Event(), asyncio.Event()
    first_task = asyncio.create_task(first.run(stop_first))
    try:
        await wait_for_increments(mongo, db_name, topic, at_least=5)
        second_task = asyncio.create_task(second.run(stop_second))  # joins: partitions move
        await publish(infra.kafka_bootstrap, topic, *events[30:45])
        await wait_for_increments(mongo, db_name, topic, at_least=35)
        stop_first.set()  # leaves: its partitions move to the second member
        await first_task
        await publish(infra.kafka_bootstrap, topic, *events[45:])
        await wait_for_increments(mongo, db_name, topic, at_least=60)
        await asyncio.sleep(1.0)  # let any redelivery arrive before counting
        stop_second.set()
        await second_task
    finally:
        stop_first.set()
        stop_second.set()
        await first_producer.stop()
        await second_producer.stop()
    assert await ledger_total(mongo, db_name, topic) == (sum(amounts), 60)


async def wait_for_increments(mongo, db_name: str, topic: str, *, at_least: int, timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while (await ledger_total(mongo, db_name, topic))[1] < at_least:
        assert asyncio.get_running_loop().time() < deadline, f"fewer than {at_least} effects in time"
        await asyncio.sleep(0.2)
