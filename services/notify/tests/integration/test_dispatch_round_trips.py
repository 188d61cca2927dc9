"""Store round trips of one SMS, from the dispatcher's pass to the recorded send, counted by a PyMongo
command listener (a count that must not grow back, never a time).

The listener is registered when this module is imported, before the fixtures build notify's client, and
counts only while armed, for notify's own database. The worker's relay and webhook consumer run beside
the dispatcher; their commands (pending commits, webhook subscriptions, leases) are left out.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import random
import uuid
from datetime import timedelta
from typing import Any

import pytest
from servicekit.testing import store_commands

pytestmark = pytest.mark.integration


def beside_the_dispatcher(name: str, collection: str, command: Any) -> bool:
    """The relay (pending commits, unmarked after publishing), the webhook group and the leases."""
    if collection.startswith("webhook") or collection.endswith("_lease"):
        return True
    return collection == "events" and name in ("find", "update") and "outbox" in json.dumps(command, default=str)


COMMANDS = store_commands()  # before the fixtures build notify's client


async def _due_sms(notify: Any, phone: str) -> str:
    """A victim with a referral accepted: its SMS is scheduled and due now."""
    victim = await notify.register(phone=phone)
    await notify.referral_accepted(victim)
    return victim


async def test_a_first_sms_to_a_victim_takes_eleven_round_trips(notify: Any, sms_gateway: Any) -> None:
    await _due_sms(notify, f"+2237{random.randrange(10**7):07d}")
    await notify.tick()  # a first send: the audit chain's head is read once per process
    victim = await _due_sms(notify, phone := f"+2237{random.randrange(10**7):07d}")
    COMMANDS.database = notify.settings.database_name
    COMMANDS.take()
    assert await notify.tick() == 1
    assert [r for r in sms_gateway.requests() if phone in (r.form.get("to"), r.form.get("To"))]
    assert COMMANDS.take(beside_the_dispatcher) == [
        "find delivery_queue",  # what is due; the delivery's state is the one its consumer just wrote
        "find recipients",  # preferences, consent, safe hours
        "bulkWrite insert events + update deliveries",  # the claim (its queue entry left due: see the next test)
        "find recipients",  # the contact, read after the claim
        "bulkWrite insert audit_log + update audit_head",  # the decryption, audited
        "update phone_index", "update recipients",  # the number indexed for STOP replies
        "update provider_health", "insert provider_messages",  # the provider's health, the report's key
        "bulkWrite insert events + update deliveries",  # sent
        "delete delivery_queue",
    ]
    assert [d.status for d in await notify.deliveries_of(victim)] == ["sent"]
    COMMANDS.database = None


async def test_a_second_sms_to_the_same_number_does_not_index_it_again(notify: Any, sms_gateway: Any) -> None:
    victim = await _due_sms(notify, f"+2237{random.randrange(10**7):07d}")
    await notify.tick()
    await notify.hearing_event("scheduled", f"h-{uuid.uuid4()}", [victim], notify.clock() + timedelta(days=10))
    COMMANDS.database = notify.settings.database_name
    COMMANDS.take()
    assert await notify.tick() == 1
    trips = COMMANDS.take(beside_the_dispatcher)
    assert "update phone_index" not in trips and trips.count("find recipients") == 2
    assert len(trips) == 10  # the first message's 11, plus the hearing read, less the two index writes
    COMMANDS.database = None


async def test_a_message_its_consumer_commits_due_now_is_sent_without_reading_the_queue_again(
        notify: Any, sms_gateway: Any) -> None:
    from notify.dispatcher import Dispatcher
    from servicekit.testing import eventually

    settings = notify.settings.model_copy(update={"dispatcher_poll_seconds": 60.0})  # no poll during the test
    stop = asyncio.Event()
    running = asyncio.create_task(Dispatcher(dataclasses.replace(notify.deps, settings=settings)).run(stop))
    try:
        async def listening() -> bool:
            return bool(notify.deps.queue.due_now.listening)

        async def arrived() -> list[Any]:
            return [r for r in sms_gateway.requests() if phone in (r.form.get("to"), r.form.get("To"))]

        await eventually(listening, "the dispatcher listening", 10)
        await asyncio.sleep(0.2)  # its first pass (a poll of an empty queue) is over
        COMMANDS.database = notify.settings.database_name
        COMMANDS.take()
        await _due_sms(notify, phone := f"+2237{random.randrange(10**7):07d}")
        await eventually(arrived, "the SMS at the gateway", 30)
        assert "find delivery_queue" not in COMMANDS.take(beside_the_dispatcher)
    finally:
        COMMANDS.database = None
        stop.set()
        await running
