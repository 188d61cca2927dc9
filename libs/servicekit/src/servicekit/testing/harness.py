"""The in-process harness: one service's worker and app in the test's event loop, on the real broker and store."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import RecordMetadata

from ..commands import Clock
from ..consumer import ConsumedEvent
from ..devtokens import ensure_dev_keypair, mint_token
from ..envelope import Envelope
from ..ids import new_id
from ..kafka import ensure_topics, idempotent_producer
from ..runtime import Worker
from ..spec import ServiceSpec, spec_of
from .infra import Infra, unique_name
from .waiting import eventually

ReplaceDeps = Callable[[Any], Any]


@dataclass
class InProcessService:
    """A service's worker and app running in the test process on the real broker and store."""

    name: str
    settings: Any
    deps: Any
    app: Any
    producer: Any
    private_key: Path
    spec: ServiceSpec
    # The wiring of one instance on given settings: the service's own, with the test's clock and replaced ports.
    wire: Callable[[Any], Any]
    _worker: Worker | None = field(default=None, repr=False)
    _task: asyncio.Task[None] | None = field(default=None, repr=False)

    def client(self, role: str, org: str = "org-amdh", sub: str | None = None) -> httpx.AsyncClient:
        """An httpx client of the app with a development token for `role`."""
        token = mint_token(self.private_key, subject=sub or f"{role}-1", roles=[role], org=org)
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=f"http://{self.name}",
                                 headers={"Authorization": f"Bearer {token}"})

    def topic(self, name: str) -> str:
        """The namespaced name of a topic (`casework.hearings` -> `<namespace>casework.hearings`)."""
        return self.settings.topic_namespace + name

    async def publish(self, topic: str, envelope: Envelope) -> RecordMetadata:
        """Send one event to the namespaced topic, exactly as its producer's relay would."""
        return await self.producer.send_and_wait(self.topic(topic), envelope.value(), key=envelope.key(),
                                                 headers=envelope.headers())

    async def publish_twice(self, topic: str, *envelopes: Envelope) -> None:
        """Every event is delivered twice (a relay that crashed before deleting its outbox entry)."""
        for envelope in [*envelopes, *envelopes]:
            await self.publish(topic, envelope)

    async def deliver(self, envelope: Envelope) -> None:
        """Hand one event to the handlers the service subscribes to its type, as its consumer runner would."""
        handlers = [h for group in self.spec.groups for h in group.subscriptions.get(envelope.type, ())]
        assert handlers, f"{self.name} subscribes no handler to {envelope.type}"
        for handler in handlers:
            await handler(ConsumedEvent(envelope, topic="test", partition=0, offset=0), self.deps)

    @staticmethod
    def event(event_type: str, subject: str, data: dict[str, Any], *, at: datetime | None = None) -> Envelope:
        """A correctly enveloped event from the service the type names."""
        return Envelope(id=new_id(), source=f"/redress/{event_type.split('.')[0]}", type=event_type,
                        subject=subject, time=at or datetime.now(UTC), data=data)

    eventually = staticmethod(eventually)

    @property
    def worker_running(self) -> bool:
        """Whether the worker (relay and consumer groups) is running now."""
        return self._task is not None and not self._task.done()

    async def start_worker(self) -> None:
        """Start the worker (the service coming up) on the same database and topics; again after `stop_worker`."""
        if self._task is not None:
            raise RuntimeError("the worker is running already")
        topics = {self.topic(t) for g in self.spec.groups for t in g.topics}
        await ensure_topics(self.settings.kafka_bootstrap, topics, partitions=self.settings.topic_partitions)
        self._worker = Worker(settings=self.settings, db=self.deps.core.db, aggregates=self.spec.aggregates,
                              groups=self.spec.groups, deps=self.deps, wake=self.deps.core.store.committed)
        self._task = asyncio.create_task(self._worker.run())

    async def stop_worker(self) -> None:
        """Stop the worker (the service going down); its store, topics and committed offsets stay."""
        if self._worker is not None and self._task is not None:
            self._worker.stop.set()
            await asyncio.wait_for(self._task, 30)
        self._worker = self._task = None

    def another_deps(self, settings: Any = None) -> Any:
        """The wiring of a second instance with the same clock and ports (its client is the caller's to close).

        On the same settings by default; `settings` (e.g. `service.settings.model_copy(update=...)`) gives an
        instance configured otherwise, such as one holding another key.
        """
        return self.wire(settings if settings is not None else self.settings)

    async def wait_consumed(self, records: Sequence[RecordMetadata], timeout: float = 30.0) -> None:
        """Wait until the service's consumer groups committed past every given record (handled, not just read)."""
        purposes = {self.topic(t): g.purpose for g in self.spec.groups for t in g.topics}
        admin = AIOKafkaAdminClient(bootstrap_servers=self.settings.kafka_bootstrap)
        await admin.start()
        try:
            for record in records:
                group = self.topic(f"{self.settings.service_name}.{purposes[record.topic]}")
                await eventually(partial(self._consumed_past, admin, group, record), f"{record.topic} consumed",
                                 timeout=timeout, interval=0.1)
        finally:
            await admin.close()

    async def _consumed_past(self, admin: AIOKafkaAdminClient, group: str, record: RecordMetadata) -> bool:
        """Whether `group` committed past `record` (failing at once when the worker is not running)."""
        assert self.worker_running, "the worker is not running"
        offsets = await admin.list_consumer_group_offsets(group)
        committed = {(tp.topic, tp.partition): meta.offset for tp, meta in offsets.items()}
        return committed.get((record.topic, record.partition), -1) > record.offset


def wiring(spec: ServiceSpec, settings: Any, *, clock: Clock | None, replace_deps: ReplaceDeps | None) -> Any:
    """The service's own deps, then the test's clock as its one clock, then the test's replaced ports."""
    deps = spec.build_deps(settings)
    if clock is not None:
        deps = dataclasses.replace(deps, core=dataclasses.replace(deps.core, clock=clock))
    return replace_deps(deps) if replace_deps is not None else deps


@asynccontextmanager
async def in_process_service(service: str, infra: Infra, keys_dir: Path, *, clock: Clock | None = None,
                             worker: bool = True, replace_deps: ReplaceDeps | None = None,
                             **overrides: Any) -> AsyncIterator[InProcessService]:
    """Build `service`'s deps and app on a fresh namespace and database, and start its worker in this event loop.

    `clock` replaces the service's clock (`Core.clock`); `replace_deps(deps) -> deps` then swaps ports for
    fakes (`dataclasses.replace(deps, names=...)`) before the app and the worker are built. `worker=False`
    leaves the worker stopped (`start_worker()` starts it). The service's own worker tasks
    (`ServiceSpec.worker_tasks`, e.g. notify's dispatcher) never run here: a test drives them. `overrides`
    are settings.
    """
    spec = spec_of(service)
    private_key, jwks = ensure_dev_keypair(keys_dir)
    settings = spec.settings(**{
        "kafka_bootstrap": infra.kafka_bootstrap, "mongo_url": infra.mongo_url, "mongo_db": unique_name(service),
        "topic_namespace": unique_name(service[0]).replace("_", "") + ".", "auth_jwks_file": jwks,
        "relay_abort_grace_seconds": 10, "consumer_backoff_max_seconds": 0.2, "consumer_max_attempts": 2,
        "topic_partitions": 2, **overrides})
    wire = partial(wiring, spec, clock=clock, replace_deps=replace_deps)
    deps = wire(settings)
    producer = idempotent_producer(settings.kafka_bootstrap, client_id=f"{service}-test-publisher")
    running = InProcessService(service, settings, deps, spec.build_app(deps), producer, private_key, spec, wire)
    try:
        await producer.start()
        if worker:
            await running.start_worker()
        yield running
    finally:
        await running.stop_worker()
        await producer.stop()
        await deps.core.client.close()
