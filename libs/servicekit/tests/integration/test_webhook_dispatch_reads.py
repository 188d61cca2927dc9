"""The webhooks group's reads of the subscriptions on the real store, counted (never timed).

The kept subscriptions' age is read from a clock the test moves, so "fresh" and "past the bound" are
decided by the test, not by how fast the machine runs it.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import pytest
from servicekit.consumer import ConsumedEvent
from servicekit.crypto import KeyEncryptionKey
from servicekit.envelope import Envelope, utcnow
from servicekit.ids import new_id
from servicekit.testing import store_commands, unique_name
from servicekit.webhooks.dispatch import SUBSCRIPTIONS_FRESH_SECONDS, Dispatch, SubscriptionCache, record_deliveries
from servicekit.webhooks.sender import SenderPolicy, WebhookSender
from servicekit.webhooks.signing import generate_secret
from servicekit.webhooks.store import WebhookStore

pytestmark = pytest.mark.integration
COMMANDS = store_commands()  # before any client is built
TYPE = "kit.tally.opened.v1"
RECORDED = ["insert webhook_deliveries", "insert webhook_queue"]


class Ticks:
    """A monotonic clock that moves only when the test says."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def dispatch(mongo: Any) -> AsyncIterator[tuple[Dispatch, Ticks, Any]]:
    db = mongo[unique_name("whreads")]
    store = WebhookStore(db, KeyEncryptionKey("k1", os.urandom(32)))
    ticks = Ticks()
    yield Dispatch(store, SubscriptionCache(store, clock=ticks)), ticks, db
    COMMANDS.database = None
    await mongo.drop_database(db.name)


def consumed(offset: int) -> ConsumedEvent:
    envelope = Envelope(id=new_id(), source="/redress/kit", type=TYPE, subject="t-1", time=utcnow(), data={},
                        classification="internal")
    return ConsumedEvent(envelope, "kit.tallies", 0, offset)


async def subscribe(store: WebhookStore) -> dict[str, Any]:
    return await store.create(url="https://partner.example/hooks", event_types=[TYPE], classifications=["internal"],
                       secret=generate_secret(), actor="admin-1")


async def test_a_consumed_event_reads_no_subscription_while_the_kept_ones_are_fresh(dispatch):
    deps, ticks, db = dispatch
    await subscribe(deps.store)
    await record_deliveries(consumed(1), deps)  # this process's first read
    COMMANDS.database = db.name
    COMMANDS.take()
    ticks.now += SUBSCRIPTIONS_FRESH_SECONDS * 0.9
    await record_deliveries(consumed(2), deps)
    assert COMMANDS.take() == RECORDED  # the delivery, recorded and queued; no read


async def test_the_subscriptions_are_read_again_once_the_kept_ones_are_past_their_bound(dispatch):
    deps, ticks, db = dispatch
    await record_deliveries(consumed(1), deps)  # read: no subscription yet
    await subscribe(deps.store)
    COMMANDS.database = db.name
    COMMANDS.take()
    ticks.now += SUBSCRIPTIONS_FRESH_SECONDS
    await record_deliveries(consumed(2), deps)
    assert COMMANDS.take() == ["find webhook_subscriptions", *RECORDED]
    assert await db["webhook_queue"].count_documents({}) == 1


async def test_a_delivery_recorded_for_a_subscription_deleted_meanwhile_is_dropped_by_the_sender(dispatch):
    deps, _, db = dispatch
    subscription = await subscribe(deps.store)
    await record_deliveries(consumed(1), deps)  # kept: the subscription
    await deps.store.delete(subscription["_id"])
    await record_deliveries(consumed(2), deps)  # still fresh here: recorded for the deleted subscription
    assert await db["webhook_queue"].count_documents({}) == 1
    sender = WebhookSender(deps.store, SenderPolicy())
    try:
        assert await sender.deliver_due() == 0
    finally:
        await sender.client.aclose()
    assert await db["webhook_queue"].count_documents({}) == 0


async def test_an_idle_sender_pass_reads_the_queue_only(dispatch):
    deps, _, db = dispatch
    await subscribe(deps.store)
    sender = WebhookSender(deps.store, SenderPolicy())
    COMMANDS.database = db.name
    COMMANDS.take()
    try:
        assert await sender.deliver_due() == 0
    finally:
        await sender.client.aclose()
    assert COMMANDS.take() == ["find webhook_queue"]
