"""Running a service's background work: the outbox relay and its consumer groups."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from .consumer import ConsumerRunner, Subscriptions
from .domain import AggregateType
from .indexes import Index, ensure_indexes_eventually
from .kafka import ensure_topics, idempotent_producer
from .relay import OutboxRelay, RelayLease
from .settings import BaseServiceSettings
from .signals import CommitSignal
from .webhooks import webhook_tasks

log = logging.getLogger("servicekit.runtime")


@dataclass(frozen=True)
class ConsumerGroup:
    """One consumer group of a service: `<service>.<purpose>`, its topics and handlers."""

    purpose: str
    topics: Sequence[str]
    subscriptions: Subscriptions


@dataclass
class Worker:
    """The relay plus the consumer groups of one service, started and stopped together."""

    settings: BaseServiceSettings
    db: AsyncDatabase[Any]
    aggregates: Sequence[AggregateType[Any]]
    groups: Sequence[ConsumerGroup]
    deps: Any
    extra_tasks: Sequence[Callable[[asyncio.Event], Coroutine[Any, Any, None]]] = ()
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    # The event store's commit signal: this process's commits (its consumers') wake the relay at once.
    wake: CommitSignal | None = None
    indexes: Sequence[Index] = ()

    async def run(self) -> None:
        """Run until `stop` is set (SIGTERM/SIGINT set it in `serve`)."""
        s = self.settings
        ns = s.topic_namespace
        own_topics = {ns + a.topic for a in self.aggregates}
        dlqs = {f"{ns}{s.service_name}.{p}.dlq" for p in [*(g.purpose for g in self.groups), "webhooks"]}
        consumed = {ns + t for g in self.groups for t in g.topics}
        options = s.kafka_options()
        await ensure_topics(s.kafka_bootstrap, own_topics | dlqs | consumed, partitions=s.topic_partitions, **options)
        producer = idempotent_producer(s.kafka_bootstrap, client_id=f"{s.service_name}-dlq", **options)
        await producer.start()

        async def renew(old: AIOKafkaProducer | None) -> AIOKafkaProducer:
            if old is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(old.stop(), 10)
            new = idempotent_producer(s.kafka_bootstrap, client_id=f"{s.service_name}-relay", **options)
            await new.start()
            return new

        relay = OutboxRelay(
            self.db,
            await renew(None),
            batch_size=s.relay_batch_size,
            poll_interval_seconds=s.relay_poll_interval_seconds,
            idle_poll_seconds=s.relay_idle_poll_seconds,
            lease=RelayLease(self.db, seconds=s.relay_lease_seconds),
            renew_producer=renew,
            wake=self.wake,
        )
        try:
            tasks = [asyncio.create_task(relay.run(self.stop), name="relay"),
                     asyncio.create_task(self._indexes(), name="indexes")]
            for group in self.groups:
                runner = ConsumerRunner(
                    bootstrap=s.kafka_bootstrap,
                    group_id=f"{ns}{s.service_name}.{group.purpose}",
                    topics=[ns + t for t in group.topics],
                    subscriptions=group.subscriptions,
                    deps=self.deps,
                    dlq_producer=producer,
                    max_attempts=s.consumer_max_attempts,
                    backoff_max_seconds=s.consumer_backoff_max_seconds,
                    client_options=options,
                )
                tasks.append(asyncio.create_task(runner.run(self.stop), name=f"consumer:{group.purpose}"))
            own_tasks = [*webhook_tasks(s, self.db, self.aggregates, producer), *self.extra_tasks]
            tasks += [asyncio.create_task(t(self.stop)) for t in own_tasks]
            await _until_stopped_or_failed(self.stop, tasks)
        finally:
            await relay.producer.stop()
            await producer.stop()

    async def _indexes(self) -> None:
        # Stays until stop like the other tasks: a worker ends when its first task ends.
        await ensure_indexes_eventually(self.db, self.indexes, self.stop)
        await self.stop.wait()

    async def serve(self) -> None:
        """Run with signal handling: SIGTERM/SIGINT stop gracefully."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop.set)
        await self.run()


async def _until_stopped_or_failed(stop: asyncio.Event, tasks: list[asyncio.Task[None]]) -> None:
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait([stopper, *tasks], return_when=asyncio.FIRST_COMPLETED)
    stop.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    stopper.cancel()
    for task, result in zip(tasks, results, strict=True):
        if isinstance(result, BaseException):
            log.error("worker task %s failed: %r", task.get_name(), result)
            raise result
