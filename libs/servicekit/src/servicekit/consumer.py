"""Consumer runner: handle each record, commit its offset only after the effect is durable.

- Transient failures (store, broker or gateway down) retry with backoff; the offset never passes
  the failed record (the partition is rewound and polled again).
- Records that can never succeed (undecodable, schema-invalid, rejected by a rule, or failing on
  every attempt) go to `<group>.dlq` after `max_attempts`, with the original headers plus error
  headers, and the partition moves on.
- Handlers are idempotent (ids derived from the consumed event), so a redelivery after a crash
  or a rebalance is a no-op.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError
from aiokafka.structs import ConsumerRecord
from opentelemetry import trace
from pydantic import ValidationError

from .envelope import Envelope, InvalidEnvelope, utcnow
from .errors import DomainError, is_transient
from .ids import derived_id
from .metrics import observe_consumed, observe_dead_letter
from .telemetry import context_from_traceparent, tracer

log = logging.getLogger("servicekit.consumer")


@dataclass(frozen=True)
class ConsumedEvent:
    """A decoded event with where it came from."""

    envelope: Envelope
    topic: str
    partition: int
    offset: int

    @property
    def id(self) -> str:
        return self.envelope.id

    @property
    def type(self) -> str:
        return self.envelope.type

    @property
    def data(self) -> dict[str, Any]:
        return self.envelope.data

    def effect_key(self, handler_name: str) -> str:
        """Idempotency key of this event's effect in one handler."""
        return derived_id(self.envelope.id, handler_name)


Handler = Callable[[ConsumedEvent, Any], Awaitable[None]]
Subscriptions = Mapping[str, Sequence[Handler]]


class ConsumerRunner:
    """Runs one consumer group over the topics its subscriptions need."""

    def __init__(self, *, bootstrap: str, group_id: str, topics: Sequence[str], subscriptions: Subscriptions,
                 deps: Any, dlq_producer: AIOKafkaProducer, max_attempts: int = 5,
                 backoff_max_seconds: float = 5.0, transient_budget_seconds: float = 20.0,
                 client_options: Mapping[str, Any] | None = None) -> None:
        self.bootstrap = bootstrap
        self.group_id = group_id
        self.topics = list(topics)
        self.subscriptions = subscriptions
        self.deps = deps
        self.dlq_producer = dlq_producer
        self.max_attempts = max_attempts
        self.backoff_max_seconds = backoff_max_seconds
        self.transient_budget_seconds = transient_budget_seconds
        self.client_options = dict(client_options or {})

    def _consumer(self) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(bootstrap_servers=self.bootstrap, group_id=self.group_id,
                                enable_auto_commit=False, auto_offset_reset="earliest",
                                client_id=f"{self.group_id}-consumer", metadata_max_age_ms=5000,
                                max_poll_interval_ms=120000, **self.client_options)

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until `stop` is set, then leave the group cleanly."""
        consumer = self._consumer()
        # No revocation hook on purpose: a record in hand when partitions move is redelivered to
        # the next owner, and handlers are idempotent, so waiting inside the rebalance buys nothing.
        consumer.subscribe(self.topics)
        await consumer.start()
        try:
            while not stop.is_set():
                batch = await consumer.getmany(timeout_ms=200, max_records=200)
                for tp, records in batch.items():
                    await self._process_partition(consumer, tp, records, stop)
        finally:
            await consumer.stop()

    async def _process_partition(self, consumer: AIOKafkaConsumer, tp: TopicPartition,
                                 records: Sequence[ConsumerRecord[bytes, bytes]], stop: asyncio.Event) -> None:
        next_offset = None
        for record in records:
            if not await self.process(record, stop):
                consumer.seek(tp, record.offset)  # transient failure: read it again later
                break
            observe_consumed(self.group_id, record.topic)
            next_offset = record.offset + 1
        if next_offset is not None:
            try:
                await consumer.commit({tp: next_offset})
            except (CommitFailedError, IllegalStateError):
                log.warning("commit refused after a rebalance; the next owner redelivers (idempotent)")

    async def process(self, record: ConsumerRecord[bytes, bytes], stop: asyncio.Event | None = None) -> bool:
        """Handle one record; True when done with it (handled, skipped or dead-lettered)."""
        try:
            envelope = Envelope.from_record(record.key, record.value, record.headers)
        except InvalidEnvelope as exc:
            await self._dead_letter(record, exc, attempts=1, handler="decode")
            return True
        event = ConsumedEvent(envelope, record.topic, record.partition, record.offset)
        for handler in self.subscriptions.get(envelope.type, ()):
            if not await self._run_handler(handler, event, record, stop):
                return False
        return True

    async def _run_handler(self, handler: Handler, event: ConsumedEvent, record: ConsumerRecord[bytes, bytes],
                           stop: asyncio.Event | None) -> bool:
        attempts, waited = 0, 0.0
        while True:
            attempts += 1
            try:
                with tracer().start_as_current_span(
                        f"consume {event.type}", context=context_from_traceparent(event.envelope.traceparent),
                        kind=trace.SpanKind.CONSUMER,
                        attributes={"messaging.system": "kafka", "messaging.destination.name": record.topic,
                                    "messaging.message.id": event.id, "messaging.consumer.group.name": self.group_id,
                                    "redress.handler": handler.__name__}):
                    await handler(event, self.deps)
                return True
            except Exception as exc:
                delay = min(self.backoff_max_seconds, 0.05 * 2 ** min(attempts, 10)) * random.uniform(0.5, 1.0)
                if is_transient(exc):
                    if waited > self.transient_budget_seconds or (stop is not None and stop.is_set()):
                        return False
                    log.warning("transient failure in %s, retrying: %s", handler.__name__, type(exc).__name__,
                                extra={"event_id": event.id})
                elif attempts >= self.max_attempts:
                    await self._dead_letter(record, exc, attempts=attempts, handler=handler.__name__)
                    return True
                else:
                    log.warning("handler %s failed (attempt %d): %s", handler.__name__, attempts,
                                type(exc).__name__, extra={"event_id": event.id})
                await asyncio.sleep(delay)
                waited += delay

    async def _dead_letter(self, record: ConsumerRecord[bytes, bytes], exc: BaseException, *, attempts: int,
                           handler: str) -> None:
        """Park a record that can never succeed, with why; the partition then moves on."""
        headers = [
            *(record.headers or ()),
            ("dlq_error_type", type(exc).__name__.encode()),
            ("dlq_error_reason", _safe_reason(exc).encode()),
            ("dlq_handler", handler.encode()),
            ("dlq_attempts", str(attempts).encode()),
            ("dlq_consumer_group", self.group_id.encode()),
            ("dlq_original_topic", record.topic.encode()),
            ("dlq_original_partition", str(record.partition).encode()),
            ("dlq_original_offset", str(record.offset).encode()),
            ("dlq_failed_at", utcnow().isoformat().encode()),
        ]
        await self.dlq_producer.send_and_wait(f"{self.group_id}.dlq", value=record.value, key=record.key,
                                              headers=headers)
        observe_dead_letter(self.group_id, record.topic)
        log.error("record dead-lettered by %s after %d attempts: %s", handler, attempts, type(exc).__name__,
                  extra={"topic": record.topic, "offset": record.offset})


def _safe_reason(exc: BaseException) -> str:
    """A reason without the offending values: validation messages would otherwise echo PII."""
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                         for e in exc.errors(include_input=False, include_url=False))[:500]
    if isinstance(exc, DomainError | InvalidEnvelope):
        return str(exc)[:500]
    return type(exc).__name__
