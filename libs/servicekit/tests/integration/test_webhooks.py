"""Webhooks end to end in the kit: real broker, real store, the real reference receiver process.

Events are written with the event store, published by the relay, read by the `<service>.webhooks`
consumer group and sent by the sender, all inside one kit Worker, exactly as in a service's worker.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from servicekit.devtokens import ensure_dev_keypair, mint_token
from servicekit.envelope import Envelope, utcnow
from servicekit.eventstore import CommandContext
from servicekit.ids import new_id
from servicekit.kafka import idempotent_producer
from servicekit.runtime import Worker
from servicekit.service import Core, build_core, service_app, token_verifier
from servicekit.settings import BaseServiceSettings
from servicekit.testing import eventually, unique_name
from tally import increment, open_tally, tally_type
from webhook_support import Receiver

pytestmark = pytest.mark.integration
CONTEXT = CommandContext(actor="kit-test")


def kit_settings(infra, tmp_path: Path, **overrides: Any) -> tuple[BaseServiceSettings, Path]:
    key, jwks = ensure_dev_keypair(tmp_path / "keys")
    settings = BaseServiceSettings(
        service_name="kit", mongo_url=infra.mongo_url, mongo_db=unique_name("webhooks"),
        kafka_bootstrap=infra.kafka_bootstrap, auth_jwks_file=jwks, dev_signing_key_file=key,
        topic_namespace=unique_name("wh").replace("_", "") + ".", topic_partitions=2,
        webhook_allow_private_addresses=True, webhook_retry_base_seconds=0.2, webhook_retry_max_delay_seconds=1.0,
        webhook_poll_interval_seconds=0.1, **overrides)
    return settings, key


@contextlib.asynccontextmanager
async def kit_service(settings: BaseServiceSettings, key: Path) -> AsyncIterator[tuple[Core, httpx.AsyncClient]]:
    """The kit's API (in process) and its worker (relay, webhooks group, sender) over one tally aggregate."""
    core = build_core(settings)
    aggregates = [tally_type("kit.tallies")]
    app = service_app(core=build_core(settings), deps=None, verifier=token_verifier(settings), title="kit",
                      description="kit", routers=[], aggregates=aggregates)
    worker = Worker(settings=settings, db=core.db, aggregates=aggregates, groups=[], deps=None)
    task = asyncio.create_task(worker.run())
    admin = {"Authorization": "Bearer " + mint_token(key, subject="admin-1", roles=["admin"])}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit",
                                     headers=admin) as client:
            yield core, client
    finally:
        worker.stop.set()
        await task
        await core.client.drop_database(settings.database_name)
        await core.client.close()


@contextlib.asynccontextmanager
async def another_api(settings: BaseServiceSettings, key: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The kit's API as another process would run it: its own client, store and app over the same database."""
    core = build_core(settings)
    app = service_app(core=core, deps=None, verifier=token_verifier(settings), title="kit", description="kit",
                      routers=[], aggregates=[tally_type("kit.tallies")])
    admin = {"Authorization": "Bearer " + mint_token(key, subject="admin-2", roles=["admin"])}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit-2",
                                     headers=admin) as client:
            yield client
    finally:
        await core.client.close()


async def subscribe(client: httpx.AsyncClient, receiver: Receiver, **fields: Any) -> dict[str, Any]:
    body = {"url": receiver.url, "event_types": ["kit.tally.opened.v1", "kit.tally.incremented.v1"],
            "classifications": ["internal"], "secret": receiver.secret, **fields}
    created = await client.post("/webhooks/subscriptions", json=body)
    assert created.status_code == 201, created.text
    return created.json()  # type: ignore[no-any-return]


async def received(receiver: Receiver, count: int) -> list[dict[str, Any]]:
    """Wait until the receiver accepted `count` messages; their CloudEvents in arrival order."""
    async def probe() -> list[dict[str, Any]] | None:
        records = await asyncio.to_thread(receiver.received)
        return [r["event"] for r in records] if len(records) >= count else None
    return await eventually(probe)  # type: ignore[no-any-return]


async def write_tallies(core: Core, ids: list[str], increments: int) -> None:
    agg = tally_type("kit.tallies")
    for tally_id in ids:
        await core.store.execute(agg, tally_id, open_tally("t"), context=CONTEXT)
    for by in range(1, increments + 1):
        for tally_id in ids:
            await core.store.execute(agg, tally_id, increment(by), context=CONTEXT)


async def test_a_receiver_down_for_a_while_gets_everything_once_in_order_per_aggregate(infra, tmp_path):
    settings, key = kit_settings(infra, tmp_path)
    receiver = Receiver(tmp_path / "received.jsonl")
    async with kit_service(settings, key) as (core, client):
        await subscribe(client, receiver)
        tallies = [new_id(), new_id()]
        await write_tallies(core, tallies, increments=4)
        await asyncio.sleep(2.0)  # a few failed attempts while the receiver is down
        receiver.start()
        try:
            events = await received(receiver, 10)
            await asyncio.sleep(1.0)
            events = [r["event"] for r in await asyncio.to_thread(receiver.received)]
        finally:
            receiver.stop()
    assert len(events) == 10 and len({e["id"] for e in events}) == 10
    for tally_id in tallies:
        mine = [e for e in events if e["subject"] == tally_id]
        assert [e["type"] for e in mine] == ["kit.tally.opened.v1"] + ["kit.tally.incremented.v1"] * 4
        assert [e["data"].get("by") for e in mine[1:]] == [1, 2, 3, 4]
    assert all(e["specversion"] == "1.0" and e["source"] == "/redress/kit" for e in events)


async def test_a_subscription_made_through_another_processs_api_gets_the_next_event(infra, tmp_path):
    settings, key = kit_settings(infra, tmp_path)
    first = Receiver(tmp_path / "first.jsonl").start()
    second = Receiver(tmp_path / "second.jsonl").start()
    try:
        async with kit_service(settings, key) as (core, client):
            await subscribe(client, first)
            await write_tallies(core, [new_id()], increments=0)
            await received(first, 1)  # the worker has read the subscriptions and keeps them
            async with another_api(settings, key) as other:
                await subscribe(other, second)
            tally_id = new_id()
            await write_tallies(core, [tally_id], increments=0)
            events = await received(second, 1)
    finally:
        first.stop()
        second.stop()
    assert [(e["subject"], e["type"]) for e in events] == [(tally_id, "kit.tally.opened.v1")]


async def test_a_redelivered_record_and_a_confidential_event_make_no_delivery(infra, tmp_path):
    settings, key = kit_settings(infra, tmp_path)
    receiver = Receiver(tmp_path / "received.jsonl").start()
    try:
        async with kit_service(settings, key) as (core, client):
            await subscribe(client, receiver)
            tally_id = new_id()
            await write_tallies(core, [tally_id], increments=1)
            delivered = await received(receiver, 2)
            topic = settings.topic_namespace + "kit.tallies"
            secret_event = Envelope(id=new_id(), source="/redress/kit", type="kit.tally.incremented.v1",
                                    subject=tally_id, time=utcnow(), data={"by": 99}, classification="confidential")
            again = Envelope(id=delivered[1]["id"], source="/redress/kit", type=delivered[1]["type"],
                             subject=tally_id, time=utcnow(), data=delivered[1]["data"])
            await publish(settings.kafka_bootstrap, topic, secret_event, again)
            marker = new_id()
            await write_tallies(core, [marker], increments=0)
            events = await received(receiver, 3)
            await asyncio.sleep(1.0)
            events = [r["event"] for r in await asyncio.to_thread(receiver.received)]
            logged = await core.db["webhook_deliveries"].count_documents({})
    finally:
        receiver.stop()
    assert [e["subject"] for e in events] == [tally_id, tally_id, marker]
    assert all(e["data"].get("by") != 99 for e in events)
    assert logged == 3


async def publish(bootstrap: str, topic: str, *envelopes: Envelope) -> None:
    producer = idempotent_producer(bootstrap, client_id="kit-webhook-test")
    await producer.start()
    try:
        for env in envelopes:
            await producer.send_and_wait(topic, env.value(), key=env.key(), headers=env.headers())
    finally:
        await producer.stop()


async def test_a_subscription_failing_past_the_window_is_disabled_with_why_and_resumes_in_order(infra, tmp_path):
    settings, key = kit_settings(infra, tmp_path, webhook_retry_window_seconds=1.5)
    failing = Receiver(tmp_path / "refused.jsonl", extra_args=("--fail-status", "500")).start()
    async with kit_service(settings, key) as (core, client):
        sub = await subscribe(client, failing)
        tally_id = new_id()
        await write_tallies(core, [tally_id], increments=2)

        async def disabled() -> dict[str, Any] | None:
            doc = (await client.get(f"/webhooks/subscriptions/{sub['id']}")).json()
            return doc if doc["status"] == "disabled" else None

        shown = await eventually(disabled)
        failing.stop()
        healthy = Receiver(tmp_path / "received.jsonl", secret=failing.secret, port=failing.port).start()
        try:
            resumed = await client.patch(f"/webhooks/subscriptions/{sub['id']}", json={"status": "active"})
            events = await received(healthy, 3)
        finally:
            healthy.stop()
    assert (shown["disabled_reason"], shown["last_error"]) == ("retry_window_exhausted", "http_500")
    assert shown["consecutive_failures"] >= 2
    assert resumed.json()["status"] == "active"
    assert [e["data"].get("by") for e in events] == [None, 1, 2]


async def test_an_administrator_replays_from_a_point_in_time_with_the_original_ids(infra, tmp_path):
    settings, key = kit_settings(infra, tmp_path)
    first = Receiver(tmp_path / "first.jsonl").start()
    async with kit_service(settings, key) as (core, client):
        sub = await subscribe(client, first)
        early, late = new_id(), new_id()
        await write_tallies(core, [early], increments=0)
        await received(first, 1)
        since = datetime.now(UTC)
        await write_tallies(core, [late], increments=1)
        originals = (await received(first, 3))[1:]
        first.stop()
        restored = Receiver(tmp_path / "restored.jsonl", secret=first.secret, port=first.port).start()
        try:
            replay = await client.post(f"/webhooks/subscriptions/{sub['id']}/replay",
                                       json={"since": since.isoformat()})
            replayed = await received(restored, 2)
        finally:
            restored.stop()
        audit = [e["action"] for e in (await client.get("/audit")).json()["entries"]]
    assert (replay.status_code, replay.json()) == (202, {"requeued": 2})
    assert [e["id"] for e in replayed] == [e["id"] for e in originals]
    assert {"webhook.subscription_created", "webhook.subscription_replayed"} <= set(audit)


async def test_the_secret_is_shown_once_and_stored_only_encrypted(infra, tmp_path):
    settings, key = kit_settings(infra, tmp_path)
    receiver = Receiver(tmp_path / "unused.jsonl")
    async with kit_service(settings, key) as (core, client):
        created = await client.post("/webhooks/subscriptions", json={
            "url": receiver.url, "event_types": ["kit.tally.opened.v1"]})
        listed = (await client.get("/webhooks/subscriptions")).json()
        stored = await core.db["webhook_subscriptions"].find_one({"_id": created.json()["id"]})
    secret = created.json()["secret"]
    assert created.status_code == 201 and secret.startswith("whsec_")
    assert [s["id"] for s in listed] == [created.json()["id"]] and "secret" not in listed[0]
    assert secret not in repr(stored) and secret.removeprefix("whsec_") not in repr(stored)
    assert listed[0]["classifications"] == ["public"]


async def test_a_subscription_to_a_private_address_is_refused_naming_url(infra, tmp_path):
    settings, key = kit_settings(infra, tmp_path)
    strict = settings.model_copy(update={"webhook_allow_private_addresses": False})
    async with kit_service(strict, key) as (core, client):
        for url in ("http://127.0.0.1:18490/hooks", "http://10.0.0.8/hooks", "http://169.254.169.254/"):
            refused = await client.post("/webhooks/subscriptions", json={
                "url": url, "event_types": ["kit.tally.opened.v1"]}, headers={"Accept-Language": "en"})
            assert refused.status_code == 422, url
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.json()["errors"] == [{"field": "url", "code": "webhook_url_private",
                                                 "reason": "This URL leads to a private, loopback or reserved "
                                                           "network: refused."}]
        assert await core.db["webhook_subscriptions"].count_documents({}) == 0


async def test_an_unknown_event_type_is_refused_naming_event_types(infra, tmp_path):
    settings, key = kit_settings(infra, tmp_path)
    async with kit_service(settings, key) as (_core, client):
        refused = await client.post("/webhooks/subscriptions", json={
            "url": "http://127.0.0.1:18490/hooks", "event_types": ["kit.tally.closed.v1"]})
    assert refused.status_code == 422
    assert (refused.json()["errors"][0]["field"], refused.json()["code"]) == ("event_types", "unknown_term")


async def test_only_administrators_manage_subscriptions(infra, tmp_path):
    settings, key = kit_settings(infra, tmp_path)
    lawyer = {"Authorization": "Bearer " + mint_token(key, subject="lawyer-1", roles=["lawyer"])}
    async with kit_service(settings, key) as (_core, client):
        denied = await client.get("/webhooks/subscriptions", headers=lawyer)
        anonymous = await client.get("/webhooks/subscriptions", headers={"Authorization": ""})
    assert (denied.status_code, anonymous.status_code) == (403, 401)


class _Redirector:
    """An endpoint that answers every POST with a redirect to `target`: the sender must not follow it."""

    def __init__(self, target: str) -> None:
        import http.server
        import threading

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                self.send_response(307)
                self.send_header("location", target)
                self.send_header("content-length", "0")
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


async def test_a_redirect_is_a_failed_attempt_and_is_never_followed(infra, tmp_path):
    settings, key = kit_settings(infra, tmp_path)
    target = Receiver(tmp_path / "target.jsonl").start()
    redirector = _Redirector(target.url)
    try:
        async with kit_service(settings, key) as (core, client):
            sub = await subscribe(client, target, url=redirector.url)
            await write_tallies(core, [new_id()], increments=0)

            async def failed() -> dict[str, Any] | None:
                doc = (await client.get(f"/webhooks/subscriptions/{sub['id']}")).json()
                return doc if doc["consecutive_failures"] >= 2 else None

            shown = await eventually(failed)
        reached = await asyncio.to_thread(target.received)
    finally:
        redirector.server.shutdown()
        target.stop()
    assert shown["last_error"] == "http_307"
    assert reached == []
