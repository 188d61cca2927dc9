"""The in-process harness: one service's worker and app in the test's event loop, on the real broker and store."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from ..commands import Clock
from ..devtokens import ensure_dev_keypair, mint_token
from ..envelope import Envelope
from ..ids import new_id
from ..kafka import ensure_topics, idempotent_producer
from ..runtime import Worker
from ..spec import spec_of
from .infra import Infra, unique_name
from .waiting import eventually


@dataclass
class InProcessService:
    """A service's worker and app running in the test process on the real broker and store."""

    name: str
    settings: Any
    deps: Any
    app: Any
    producer: Any
    private_key: Path

    def client(self, role: str, org: str = "org-amdh", sub: str | None = None) -> httpx.AsyncClient:
        """An httpx client of the app with a development token for `role`."""
        token = mint_token(self.private_key, subject=sub or f"{role}-1", roles=[role], org=org)
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=f"http://{self.name}",
                                 headers={"Authorization": f"Bearer {token}"})

    async def publish(self, topic: str, envelope: Envelope) -> None:
        """Send one event to the namespaced topic, exactly as its producer's relay would."""
        await self.producer.send_and_wait(self.settings.topic_namespace + topic, envelope.value(),
                                          key=envelope.key(), headers=envelope.headers())

    async def publish_twice(self, topic: str, *envelopes: Envelope) -> None:
        """Every event is delivered twice (a relay that crashed before deleting its outbox entry)."""
        for envelope in [*envelopes, *envelopes]:
            await self.publish(topic, envelope)

    @staticmethod
    def event(event_type: str, subject: str, data: dict[str, Any], *, at: datetime | None = None) -> Envelope:
        """A correctly enveloped event from the service the type names."""
        return Envelope(id=new_id(), source=f"/redress/{event_type.split('.')[0]}", type=event_type,
                        subject=subject, time=at or datetime.now(UTC), data=data)

    eventually = staticmethod(eventually)


@asynccontextmanager
async def in_process_service(service: str, infra: Infra, keys_dir: Path, *, clock: Clock | None = None,
                             **overrides: Any) -> AsyncIterator[InProcessService]:
    """Start `service`'s worker in this event loop and build its app, on a fresh namespace and database.

    `clock` replaces the service's clock (`Core.clock`); `overrides` are settings.
    """
    spec = spec_of(service)
    private_key, jwks = ensure_dev_keypair(keys_dir)
    settings = spec.settings(**{
        "kafka_bootstrap": infra.kafka_bootstrap, "mongo_url": infra.mongo_url, "mongo_db": unique_name(service),
        "topic_namespace": unique_name(service[0]).replace("_", "") + ".", "auth_jwks_file": jwks,
        "relay_abort_grace_seconds": 10, "consumer_backoff_max_seconds": 0.2, "consumer_max_attempts": 2,
        "topic_partitions": 2, **overrides})
    deps = spec.build_deps(settings)
    if clock is not None:
        deps = dataclasses.replace(deps, core=dataclasses.replace(deps.core, clock=clock))
    topics = {settings.topic_namespace + t for g in spec.groups for t in g.topics}
    await ensure_topics(settings.kafka_bootstrap, topics, partitions=settings.topic_partitions)
    worker = Worker(settings=settings, db=deps.core.db, aggregates=spec.aggregates, groups=spec.groups,
                    deps=deps, wake=deps.core.store.committed)
    task = asyncio.create_task(worker.run())
    producer = idempotent_producer(settings.kafka_bootstrap, client_id=f"{service}-test-publisher")
    await producer.start()
    try:
        yield InProcessService(service, settings, deps, spec.build_app(deps), producer, private_key)
    finally:
        worker.stop.set()
        await asyncio.wait_for(task, 30)
        await producer.stop()
        await deps.core.client.close()
