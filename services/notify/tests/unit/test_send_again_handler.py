"""Staff's "send again" at the handler, on the kit's in-memory event store: the rules without a broker or store."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from types import SimpleNamespace
from typing import Any

import pytest
from notify.domain import lifecycle
from notify.domain.delivery import DELIVERY, DeliveryScheduled
from notify.domain.messages import MessageKind
from notify.domain.planning import resend_id
from notify.handlers import send_again
from servicekit.api import Caller, RequestKey
from servicekit.audit import AuditEntry
from servicekit.errors import Conflict, NotFound
from servicekit.eventstore import CommandContext
from servicekit.testing import FakeClock, MemoryEventStore

ORIGINAL = "d-1"
STALE = timedelta(seconds=120)


class Kept:
    """What the handler writes beside the event store: queue entries and audit entries, in memory."""

    def __init__(self) -> None:
        self.queued: list[str] = []
        self.handed_over: list[str] = []
        self.audited: list[AuditEntry] = []

    async def enqueue(self, delivery_id: str, scheduled: DeliveryScheduled, *, now: Any) -> dict[str, Any]:
        self.queued.append(delivery_id)
        return {"_id": delivery_id}

    def hand_over(self, entry: dict[str, Any]) -> None:
        self.handed_over.append(entry["_id"])

    async def record(self, entry: AuditEntry) -> None:
        self.audited.append(entry)

    async def owner(self, victim_id: str) -> str:
        return "org-amdh"


def deps_on(store: MemoryEventStore, clock: FakeClock, kept: Kept) -> Any:
    """Just the parts of notify's wiring `send_again` reaches."""
    return SimpleNamespace(core=SimpleNamespace(clock=clock, audit=kept), store=store, queue=kept, recipients=kept)


def caller() -> Caller:
    return Caller(subject="admin-1", roles=frozenset({"notify_admin"}), organisation="org-amdh", is_service=False,
                  context=CommandContext(actor="admin-1"))


async def unknown_delivery(store: MemoryEventStore, clock: FakeClock) -> None:
    """A referral notice claimed for sending whose outcome never came back."""
    event = DeliveryScheduled(victim_id="v-1", kind=MessageKind.REFERRAL_ACCEPTED, channel="sms", template_version=1,
                              cause_event_id="e-1", scheduled_at=clock(), due_at=clock())
    ctx = CommandContext(actor="svc-notify")
    await store.execute(DELIVERY, ORIGINAL, partial(lifecycle.schedule, event=event), context=ctx)
    await store.execute(DELIVERY, ORIGINAL, partial(lifecycle.dispatch, now=clock()), context=ctx)
    clock.advance(STALE)
    await store.execute(DELIVERY, ORIGINAL, partial(lifecycle.interrupt, now=clock(), stale_after=STALE), context=ctx)


@pytest.fixture
async def world() -> tuple[MemoryEventStore, FakeClock, Kept]:
    store, clock = MemoryEventStore(), FakeClock()
    await unknown_delivery(store, clock)
    return store, clock, Kept()


def resent(store: MemoryEventStore) -> list[Any]:
    return [e for e in store.events_of(DELIVERY, ORIGINAL) if e.event_type == "notify.delivery.resent.v1"]


async def test_a_retried_key_answers_as_the_first_request_and_resends_once(world) -> None:
    store, clock, kept = world
    key = RequestKey.of(caller(), "key-00000001", {"reason": "other"})
    first = await send_again(deps_on(store, clock, kept), caller(), ORIGINAL, "other", key)
    retried = await send_again(deps_on(store, clock, kept), caller(), ORIGINAL, "other", key)
    assert first == retried and first.first_request and first.resend_delivery_id == resend_id(ORIGINAL)
    assert len(resent(store)) == 1
    assert store.history(DELIVERY, ORIGINAL)[-1].context.actor == "admin-1"


async def test_another_request_without_the_key_is_told_it_was_already_asked_for(world) -> None:
    store, clock, kept = world
    await send_again(deps_on(store, clock, kept), caller(), ORIGINAL, "other", None)
    later = await send_again(deps_on(store, clock, kept), caller(), ORIGINAL, "other", None)
    assert not later.first_request and len(resent(store)) == 1
    assert [e.action for e in kept.audited] == ["delivery.send_again", "delivery.send_again"]


async def test_the_key_with_another_reason_is_refused(world) -> None:
    store, clock, kept = world
    await send_again(deps_on(store, clock, kept), caller(), ORIGINAL, "other",
                     RequestKey.of(caller(), "key-00000002", {"reason": "other"}))
    with pytest.raises(Conflict) as refused:
        await send_again(deps_on(store, clock, kept), caller(), ORIGINAL, "victim_says_not_received",
                         RequestKey.of(caller(), "key-00000002", {"reason": "victim_says_not_received"}))
    assert refused.value.code == "idempotency_key_reused" and len(resent(store)) == 1


async def test_a_delivery_that_does_not_exist_is_not_found(world) -> None:
    store, clock, kept = world
    with pytest.raises(NotFound):
        await send_again(deps_on(store, clock, kept), caller(), "d-unknown", "other", None)
    assert kept.queued == [] and kept.audited == []
