"""One Idempotency-Key policy everywhere: the same key twice to a command endpoint of each of the five services.

With the same body, the second request answers exactly as the first (status and body) and writes nothing;
with the same key and another body, the answer is 409 `idempotency_key_reused` naming the header, and
nothing is written either. Each service runs in-process (its worker and app) on the real broker and store.
"""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import httpx
import pytest
from servicekit.crypto import encrypt_field, generate_data_key
from servicekit.ids import new_id
from servicekit.testing import FakeClock, InProcessService, eventually, in_process_service

pytestmark = pytest.mark.integration
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Command:
    """A command endpoint, the role that may call it, and two different bodies for it."""

    client: httpx.AsyncClient
    path: str
    body: dict[str, Any]
    other_body: dict[str, Any]
    written: Callable[[], Awaitable[int]]


def commits(service: InProcessService) -> Callable[[], Awaitable[int]]:
    """What a command writes: commits to the service's event store."""
    return lambda: service.deps.core.db["events"].count_documents({})


def a_key() -> str:
    return "base64:" + base64.b64encode(os.urandom(32)).decode()


@asynccontextmanager
async def intake(infra: Any, keys: Any) -> AsyncIterator[Command]:
    async with in_process_service("intake", infra, keys, kek_source=a_key()) as service:
        body = {"occurred_on": "2024-03-02", "region": "mopti", "violation_types": ["massacre"]}
        yield Command(service.client("monitor"), "/incidents", body, {**body, "region": "kayes"}, commits(service))


@asynccontextmanager
async def casework(infra: Any, keys: Any) -> AsyncIterator[Command]:
    async with in_process_service("casework", infra, keys, clock=FakeClock(NOW), notes_key_source=a_key()) as service:
        referral_id, victim_id = new_id(), new_id()
        name = encrypt_field(generate_data_key(), "Aminata Traoré", subject_id=victim_id, field="name")
        await service.publish("intake.referrals", service.event("intake.victim.referred.v1", referral_id, {
            "referral_id": referral_id, "victim_id": victim_id, "needs": ["legal_representation"],
            "urgency": "high", "incident_ids": [new_id()], "referring_organisation": "org-amdh",
            "receiving_organisation": "org-legal", "name_ciphertext": name,
            "referred_at": (NOW - timedelta(hours=1)).isoformat(), "consent": {"legal_support": True}}))
        manager = service.client("case_manager", org="org-legal")

        async def in_inbox() -> bool:
            return (await manager.get(f"/referrals/{referral_id}")).status_code == 200

        await eventually(in_inbox, "the referral in casework's inbox")
        yield Command(manager, f"/referrals/{referral_id}/accept", {"lawyers": ["lawyer-a"]},
                      {"lawyers": ["lawyer-b"]}, commits(service))


@asynccontextmanager
async def advocacy(infra: Any, keys: Any) -> AsyncIterator[Command]:
    async with in_process_service("advocacy", infra, keys) as service:
        body = {"target_body": "un_human_rights_council", "action_type": "submission", "taken_on": "2025-03-10",
                "title": "Written statement on impunity in central Mali", "cited_indicators": []}
        yield Command(service.client("advocacy_officer"), "/actions", body, {**body, "title": "Another statement"},
                      commits(service))


@asynccontextmanager
async def education(infra: Any, keys: Any) -> AsyncIterator[Command]:
    async with in_process_service("education", infra, keys, clock=FakeClock(NOW)) as service:
        body = {"held_on": "2026-02-12", "region": "mopti", "venue": "school", "topics": ["victims_rights"],
                "audience": [{"sex": "female", "age_band": "15_17", "count": 22}]}
        yield Command(service.client("educator"), "/sessions", body, {**body, "region": "kayes"}, commits(service))


@asynccontextmanager
async def notify(infra: Any, keys: Any) -> AsyncIterator[Command]:
    from notify.domain import lifecycle
    from notify.domain.delivery import DELIVERY, DeliveryScheduled
    from notify.domain.messages import MessageKind
    from servicekit.eventstore import CommandContext

    clock = FakeClock(NOW)
    async with in_process_service("notify", infra, keys, clock=clock) as service:
        # A message claimed for sending whose outcome never came back: the one thing staff may send again.
        delivery_id, ctx = new_id(), CommandContext(actor="svc-notify")
        scheduled = DeliveryScheduled(victim_id=new_id(), kind=MessageKind.REFERRAL_ACCEPTED, channel="sms",
                                      template_version=1, cause_event_id=new_id(), scheduled_at=NOW, due_at=NOW)
        store = service.deps.core.store
        await store.execute(DELIVERY, delivery_id, partial(lifecycle.schedule, event=scheduled), context=ctx)
        await store.execute(DELIVERY, delivery_id, partial(lifecycle.dispatch, now=NOW), context=ctx)
        clock.advance(timedelta(hours=1))
        await store.execute(DELIVERY, delivery_id, partial(lifecycle.interrupt, now=clock(),
                                                           stale_after=timedelta(minutes=2)), context=ctx)
        yield Command(service.client("notify_admin"), f"/deliveries/{delivery_id}/send-again",
                      {"reason": "victim_says_not_received"}, {"reason": "no_report_from_provider"},
                      commits(service))


SERVICES = {"intake": intake, "casework": casework, "advocacy": advocacy, "education": education, "notify": notify}


@pytest.mark.parametrize("service", SERVICES)
async def test_the_same_key_answers_as_the_first_time_and_refuses_another_body(service, infra, tmp_path):
    async with SERVICES[service](infra, tmp_path / "keys") as command:
        headers = {"Idempotency-Key": f"tablet-7:{new_id()}"}
        first = await command.client.post(command.path, json=command.body, headers=headers)
        assert first.status_code in (200, 201, 202), first.text
        written = await command.written()
        again = await command.client.post(command.path, json=command.body, headers=headers)
        assert (again.status_code, again.json()) == (first.status_code, first.json())
        reused = await command.client.post(command.path, json=command.other_body, headers=headers)
        assert reused.status_code == 409, reused.text
        assert reused.headers["content-type"] == "application/problem+json"
        assert reused.json()["code"] == "idempotency_key_reused"
        assert reused.json()["errors"][0]["field"] == "Idempotency-Key"
        assert await command.written() == written, "a replay or a refused reuse wrote to the event store"
