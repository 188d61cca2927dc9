"""How a service's API and worker get webhooks: the kit wires them from the settings and the aggregates."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from aiokafka import AIOKafkaProducer
from pymongo.asynchronous.database import AsyncDatabase

from ..audit import AuditLog
from ..consumer import ConsumerRunner
from ..domain import AggregateType
from ..settings import BaseServiceSettings
from .dispatch import Dispatch, SubscriptionCache, dispatch_subscriptions
from .keys import webhook_kek
from .routes import WebhookService
from .sender import SenderLease, SenderPolicy, WebhookSender
from .store import WebhookStore

PURPOSE = "webhooks"
Task = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


def webhook_store(settings: BaseServiceSettings, db: AsyncDatabase[Any]) -> WebhookStore | None:
    """The service's webhook store, or None when no key encrypts secrets (webhooks off)."""
    kek = webhook_kek(settings)
    return WebhookStore(db, kek) if kek is not None else None


def webhook_service(settings: BaseServiceSettings, db: AsyncDatabase[Any], audit: AuditLog) -> WebhookService | None:
    """What the API routes need, or None (they answer 503) when webhooks are off."""
    store = webhook_store(settings, db)
    if store is None:
        return None
    return WebhookService(store=store, audit=audit, allow_private_addresses=settings.webhook_allow_private_addresses)


def sender_policy(settings: BaseServiceSettings) -> SenderPolicy:
    """The sender's limits and retry schedule from the settings."""
    return SenderPolicy(allow_private_addresses=settings.webhook_allow_private_addresses,
                        timeout_seconds=settings.webhook_timeout_seconds,
                        retry_base_seconds=settings.webhook_retry_base_seconds,
                        retry_max_delay_seconds=settings.webhook_retry_max_delay_seconds,
                        retry_window_seconds=settings.webhook_retry_window_seconds,
                        response_max_bytes=settings.webhook_response_max_bytes,
                        poll_interval_seconds=settings.webhook_poll_interval_seconds)


def webhook_group_id(settings: BaseServiceSettings) -> str:
    """`<namespace><service>.webhooks`: the consumer group reading the service's own topics."""
    return f"{settings.topic_namespace}{settings.service_name}.{PURPOSE}"


def webhook_tasks(settings: BaseServiceSettings, db: AsyncDatabase[Any], aggregates: Sequence[AggregateType[Any]],
                  producer: AIOKafkaProducer) -> list[Task]:
    """The worker's webhook tasks: the dispatch consumer group and the sender (none when webhooks are off)."""
    store = webhook_store(settings, db)
    if store is None or not aggregates:
        return []
    ns = settings.topic_namespace
    runner = ConsumerRunner(bootstrap=settings.kafka_bootstrap, group_id=webhook_group_id(settings),
                            topics=sorted({ns + a.topic for a in aggregates}),
                            subscriptions=dispatch_subscriptions(aggregates),
                            deps=Dispatch(store, SubscriptionCache(store)),
                            dlq_producer=producer, max_attempts=settings.consumer_max_attempts,
                            backoff_max_seconds=settings.consumer_backoff_max_seconds,
                            client_options=settings.kafka_options())
    sender = WebhookSender(store, sender_policy(settings),
                           lease=SenderLease(db, seconds=settings.relay_lease_seconds),
                           user_agent=f"redress-{settings.service_name}-webhooks/1")
    return [runner.run, sender.run]
