"""Exactly one message per cause on the real stack: redeliveries, racing dispatchers, interrupted sends."""

from __future__ import annotations

import asyncio
import contextlib
import random
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from notify.dispatcher import Dispatcher
from notify.domain import lifecycle
from notify.domain.delivery import DELIVERY
from servicekit.eventstore import CommandContext
from servicekit.testing import eventually

pytestmark = pytest.mark.integration


def new_phone() -> str:
    return f"+2237{random.randrange(10**7):07d}"


def sms_to(gateway: Any, phone: str) -> list[Any]:
    return [r for r in gateway.requests() if phone in (r.form.get("to"), r.form.get("To"))]


async def test_an_event_replayed_after_its_message_was_sent_sends_nothing_more(notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim = await notify.register(phone=phone)
    envelope = await notify.referral_accepted(victim)
    await notify.tick()
    await notify.replay("casework.cases", envelope)
    await notify.tick()
    assert len(sms_to(sms_gateway, phone)) == 1
    assert [d.status for d in await notify.deliveries_of(victim)] == ["sent"]


async def test_two_dispatchers_racing_for_one_delivery_send_it_once(notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim = await notify.register(phone=phone)
    await notify.referral_accepted(victim)
    other_deps = notify.another_instance()  # a second worker instance
    try:
        await asyncio.gather(notify.tick(), Dispatcher(other_deps).run_once())
    finally:
        await other_deps.core.client.close()
    assert len(sms_to(sms_gateway, phone)) == 1
    assert [d.status for d in await notify.deliveries_of(victim)] == ["sent"]


async def test_concurrent_claims_of_one_delivery_have_exactly_one_winner(notify: Any) -> None:
    victim = await notify.register(phone=new_phone())
    await notify.referral_accepted(victim)
    (delivery,) = await notify.deliveries_of(victim)
    instances = [notify.another_instance() for _ in range(5)]
    claim = partial(lifecycle.dispatch, now=notify.clock())
    try:
        results = await asyncio.gather(*(deps.store.execute(DELIVERY, delivery.id, claim,
                                                            context=CommandContext(actor="test"))
                                         for deps in instances))
    finally:
        for deps in instances:
            await deps.core.client.close()
    assert sum(len(r.events) for r in results) == 1
    types = [e["type"] for c in await notify.deps.store.history(delivery.id) for e in c["events"]]
    assert types == ["notify.delivery.scheduled.v1", "notify.delivery.dispatched.v1"]


async def test_a_send_interrupted_before_the_answer_becomes_unknown_and_is_never_resent(
        notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim = await notify.register(phone=phone)
    await notify.referral_accepted(victim)
    sms_gateway.script("africastalking", ["timeout"])  # the gateway hangs: the worker dies waiting
    dispatching = asyncio.create_task(notify.tick())

    async def called() -> list[Any]:
        return sms_to(sms_gateway, phone)

    await eventually(called, "the gateway's call", timeout=10, interval=0.02)
    dispatching.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await dispatching
    await notify.stop()
    await notify.start()
    notify.clock.advance(timedelta(seconds=30))  # not stale yet: another instance may still be sending
    await notify.tick()
    (in_doubt,) = await notify.deliveries_of(victim)
    notify.clock.advance(timedelta(seconds=31))
    await notify.tick()
    notify.clock.advance(timedelta(hours=1))
    await notify.tick()
    (settled,) = await notify.deliveries_of(victim)
    assert in_doubt.status == "dispatching"
    assert (settled.status, settled.reason) == ("unknown", "interrupted")
    assert len(sms_to(sms_gateway, phone)) == 1


async def test_a_key_release_shed_by_intake_is_asked_again_after_its_retry_after_and_sends_once(
        notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim = await notify.register(phone=phone)
    notify.keys.shed(victim, times=1, retry_after=3)
    await notify.referral_accepted(victim)
    await notify.tick()
    (delivery,) = await notify.deliveries_of(victim)
    entry = await notify.deps.queue.entries.find_one({"_id": delivery.id})
    assert sms_to(sms_gateway, phone) == [] and delivery.status == "pending"
    assert entry["due_at"].replace(tzinfo=notify.clock().tzinfo) == notify.clock() + timedelta(seconds=3)
    notify.clock.advance(timedelta(seconds=3))
    await notify.tick()
    await notify.tick()
    assert len(sms_to(sms_gateway, phone)) == 1
    assert [d.status for d in await notify.deliveries_of(victim)] == ["sent"]
    assert notify.keys.releases[victim] == 2


async def test_another_instance_polling_during_a_send_puts_the_entry_off_and_sends_nothing(
        notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim = await notify.register(phone=phone)
    await notify.referral_accepted(victim)
    (delivery,) = await notify.deliveries_of(victim)
    claim = partial(lifecycle.dispatch, now=notify.clock())  # one instance claimed it and is sending
    await notify.deps.store.execute(DELIVERY, delivery.id, claim, context=CommandContext(actor="test"))
    other_deps = notify.another_instance()
    try:
        assert await Dispatcher(other_deps).run_once() == 1  # its queue entry is still due
    finally:
        await other_deps.core.client.close()
    stale_after = timedelta(seconds=notify.settings.dispatch_stale_after_seconds)
    entry = await notify.deps.queue.entries.find_one({"_id": delivery.id})
    assert entry["due_at"] == notify.clock() + stale_after  # looked at again once the claim is stale
    assert sms_to(sms_gateway, phone) == []
    assert (await notify.delivery(delivery.id)).status == "dispatching"
