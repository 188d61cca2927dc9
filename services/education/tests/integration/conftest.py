"""Education running in-process on the real broker and store: its worker, its app, and a publisher."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from education.bootstrap import Deps, build_deps
from education.config import Settings
from education.domain import AGGREGATES
from education.entrypoints.api import build_app
from education.subscriptions import GROUPS
from servicekit.devtokens import ensure_dev_keypair, mint_token
from servicekit.envelope import Envelope
from servicekit.ids import new_id
from servicekit.kafka import ensure_topics, idempotent_producer
from servicekit.runtime import Worker
from servicekit.testing import unique_name


@dataclass
class Education:
    """A running education worker and app, with helpers to feed it events and call it."""

    settings: Settings
    deps: Deps
    app: Any
    producer: AIOKafkaProducer
    private_key: Path

    def client(self, role: str, org: str = "org-amdh", sub: str | None = None) -> httpx.AsyncClient:
        token = mint_token(self.private_key, subject=sub or f"{role}-1", roles=[role], org=org)
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://education",
                                 headers={"Authorization": f"Bearer {token}"})

    async def publish(self, topic: str, envelope: Envelope) -> None:
        """Send one event to the namespaced topic, exactly as its producer's relay would."""
        await self.producer.send_and_wait(self.settings.topic_namespace + topic, envelope.value(),
                                          key=envelope.key(), headers=envelope.headers())

    async def publish_twice(self, topic: str, *envelopes: Envelope) -> None:
        """Every event is delivered twice (a relay that crashed before deleting its outbox entry)."""
        for envelope in envelopes:
            await self.publish(topic, envelope)
        for envelope in envelopes:
            await self.publish(topic, envelope)

    @staticmethod
    def event(event_type: str, subject: str, data: dict[str, Any], *, at: datetime | None = None) -> Envelope:
        """A correctly enveloped event from the service the type names."""
        return Envelope(id=new_id(), source=f"/redress/{event_type.split('.')[0]}", type=event_type,
                        subject=subject, time=at or datetime.now(UTC), data=data)

    @staticmethod
    async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 30.0) -> None:
        """Poll until the check passes, failing after a deadline."""
        deadline = time.monotonic() + timeout
        while not await check():
            assert time.monotonic() < deadline, "condition not reached in time"
            await asyncio.sleep(0.2)


@pytest.fixture(scope="module")
async def education(infra, tmp_path_factory) -> AsyncIterator[Education]:
    private_key, jwks = ensure_dev_keypair(tmp_path_factory.mktemp("keys"))
    settings = Settings(kafka_bootstrap=infra.kafka_bootstrap, mongo_url=infra.mongo_url,
                        mongo_db=unique_name("edu"), topic_namespace=unique_name("e").replace("_", "") + ".",
                        auth_jwks_file=jwks, relay_abort_grace_seconds=10, consumer_backoff_max_seconds=0.2,
                        consumer_max_attempts=2, topic_partitions=2)
    deps = build_deps(settings)
    topics = {settings.topic_namespace + t for g in GROUPS for t in g.topics}
    await ensure_topics(settings.kafka_bootstrap, topics, partitions=settings.topic_partitions)
    worker = Worker(settings=settings, db=deps.core.db, aggregates=AGGREGATES, groups=GROUPS, deps=deps)
    task = asyncio.create_task(worker.run())
    producer = idempotent_producer(settings.kafka_bootstrap, client_id="education-test-publisher")
    await producer.start()
    try:
        yield Education(settings, deps, build_app(deps), producer, private_key)
    finally:
        worker.stop.set()
        await asyncio.wait_for(task, 30)
        await producer.stop()
        await deps.core.client.close()
