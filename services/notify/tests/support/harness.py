"""Notify's worker run in the test process against the real broker and store, with an injected clock.

The consumer groups and the outbox relay run as in production (servicekit's Worker); the dispatcher
is driven by the test (`tick`), so time only moves when the test moves the clock: no real waiting.
Consumed events are published to real topics with the CloudEvents headers intake and casework use.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import RecordMetadata
from notify.bootstrap import Deps, build_deps
from notify.config import Settings
from notify.dispatcher import Dispatcher
from notify.domain import AGGREGATES
from notify.domain.delivery import DELIVERY, Delivery
from notify.queries import victim_deliveries
from notify.subscriptions import GROUPS
from servicekit.api import MAX_PAGE
from servicekit.envelope import Envelope
from servicekit.ids import new_id
from servicekit.kafka import ensure_topics, idempotent_producer
from servicekit.runtime import Worker
from servicekit.testing import FakeClock, eventually, unique_name

CONSUMED_TOPICS = ("intake.victims", "casework.cases", "casework.hearings")


def notify_deps(settings: Settings, clock: FakeClock) -> Deps:
    """Notify's wiring with the test's clock as the one clock of the service."""
    deps = build_deps(settings)
    return replace(deps, core=replace(deps.core, clock=clock))


def harness_settings(infra: Any, *, keys_url: str, jwks: Path, private_key: Path, gateway: Any = None,
                     smtp: Any = None, **overrides: Any) -> Settings:
    """Notify pointed at the real stack, the local gateway, SMTP server and key-release server."""
    values: dict[str, Any] = {
        "kafka_bootstrap": infra.kafka_bootstrap, "mongo_url": infra.mongo_url, "mongo_db": unique_name("notify"),
        "topic_namespace": unique_name("n").replace("_", "") + ".", "topic_partitions": 2,
        "auth_jwks_file": jwks, "dev_signing_key_file": private_key, "intake_url": keys_url,
        "callback_phone": "+223 20 22 33 44", "callback_token": "at-callback-token",
        "phone_index_key": "phone-index-test-key", "retry_base_delay_seconds": 0.01,
        "retry_max_delay_seconds": 0.05, "consumer_backoff_max_seconds": 0.2, "relay_abort_grace_seconds": 10,
        "dispatch_stale_after_seconds": 60, "public_base_url": "http://notify.test",
    }
    if gateway is not None:
        values |= {"sms_primary_kind": "africastalking", "sms_primary_base_url": gateway.base_url,
                   "sms_primary_account": gateway.at_username, "sms_primary_secret": gateway.at_api_key,
                   "sms_primary_sender": "REDRESS", "sms_failover_kind": "twilio",
                   "sms_failover_base_url": gateway.base_url, "sms_failover_account": gateway.twilio_account_sid,
                   "sms_failover_secret": gateway.twilio_auth_token, "sms_failover_sender": "+15005550006",
                   "sms_timeout_seconds": 2.0}
    if smtp is not None:
        values |= {"smtp_host": smtp.host, "smtp_port": smtp.port, "smtp_from": "notify@redress.test",
                   "smtp_starttls": "off", "smtp_timeout_seconds": 5.0}
    return Settings(_env_file=None, **(values | overrides))  # type: ignore[call-arg]


@dataclass
class NotifyHarness:
    """One notify worker (consumers + relay) in this process, and helpers to feed and inspect it."""

    settings: Settings
    clock: FakeClock
    keys: Any
    deps: Deps = field(init=False)
    dispatcher: Dispatcher = field(init=False)
    _worker: Worker | None = None
    _task: asyncio.Task[None] | None = None

    def __post_init__(self) -> None:
        self.deps = notify_deps(self.settings, self.clock)
        self.dispatcher = Dispatcher(self.deps)
        self.producer = idempotent_producer(self.settings.kafka_bootstrap, client_id="notify-test-publisher")
        self._producer_started = False
        self._last_event_time = datetime.min.replace(tzinfo=self.clock().tzinfo)

    def topic(self, name: str) -> str:
        return self.settings.topic_namespace + name

    async def start(self) -> NotifyHarness:
        """Start the worker (the service coming up); safe to call again after `stop`."""
        await ensure_topics(self.settings.kafka_bootstrap, [self.topic(t) for t in CONSUMED_TOPICS],
                            partitions=self.settings.topic_partitions)
        if not self._producer_started:
            await self.producer.start()
            self._producer_started = True
        self._worker = Worker(settings=self.settings, db=self.deps.core.db, aggregates=AGGREGATES, groups=GROUPS,
                              deps=self.deps, wake=self.deps.core.store.committed)
        self._task = asyncio.create_task(self._worker.run())
        return self

    async def stop(self) -> None:
        """Stop the worker (the service going down); its store and topics stay."""
        if self._worker is not None and self._task is not None:
            self._worker.stop.set()
            await self._task
            self._worker = self._task = None

    async def close(self) -> None:
        await self.stop()
        await self.producer.stop()
        await self.deps.core.client.close()

    async def publish(self, topic: str, event_type: str, subject: str, data: dict[str, Any], *,
                      times: int = 2) -> tuple[Envelope, list[RecordMetadata]]:
        """Publish one event `times` times (same id: a redelivery) the way its producer would."""
        source = "/redress/" + topic.split(".")[0]
        # Producers stamp events with their own clock, which moves between two events.
        self._last_event_time = max(self.clock(), self._last_event_time + timedelta(milliseconds=1))
        envelope = Envelope(id=new_id(), source=source, type=event_type, subject=subject, time=self._last_event_time,
                            data=data, classification="confidential")
        sent = [await self.producer.send_and_wait(self.topic(topic), envelope.value(), key=envelope.key(),
                                                  headers=envelope.headers()) for _ in range(times)]
        return envelope, sent

    async def wait_consumed(self, records: list[RecordMetadata], timeout: float = 30.0) -> None:
        """Wait until notify's consumer groups committed past every given record (handled, twice)."""
        purposes = {t: g.purpose for g in GROUPS for t in g.topics}
        admin = AIOKafkaAdminClient(bootstrap_servers=self.settings.kafka_bootstrap)
        await admin.start()
        try:
            for record in records:
                group = f"{self.settings.topic_namespace}notify.{purposes[record.topic.split('.', 1)[1]]}"
                await eventually(partial(self._consumed_past, admin, group, record), f"{record.topic} consumed",
                                 timeout=timeout, interval=0.1)
        finally:
            await admin.close()

    async def _consumed_past(self, admin: AIOKafkaAdminClient, group: str, record: RecordMetadata) -> bool:
        """Whether `group` committed past `record` (failing at once when the worker stopped)."""
        assert self._task is not None and not self._task.done(), "the worker stopped"
        offsets = await admin.list_consumer_group_offsets(group)
        committed = {(tp.topic, tp.partition): meta.offset for tp, meta in offsets.items()}
        return committed.get((record.topic, record.partition), -1) > record.offset

    async def replay(self, topic: str, envelope: Envelope) -> None:
        """Publish an already published event again (a relay replaying after a crash) and wait for it."""
        record = await self.producer.send_and_wait(self.topic(topic), envelope.value(), key=envelope.key(),
                                                   headers=envelope.headers())
        await self.wait_consumed([record])

    async def feed(self, topic: str, event_type: str, subject: str, data: dict[str, Any]) -> Envelope:
        """Publish an event twice (a redelivery) and wait until notify consumed both copies."""
        envelope, records = await self.publish(topic, event_type, subject, data)
        await self.wait_consumed(records)
        return envelope

    async def register(self, *, phone: str | None = None, email: str | None = None, channel: str = "sms",
                       language: str = "fr", safe_hours: tuple[str, str] = ("08:00", "20:00"),
                       shared_phone: bool = False) -> str:
        """A victim registered in intake with notification consent; returns the victim id."""
        victim_id = str(uuid.uuid4())
        self.keys.add_victim(victim_id)
        preferences = {"channel": channel, "language": language, "safe_hours_start": safe_hours[0],
                       "safe_hours_end": safe_hours[1], "shared_phone": shared_phone}
        await self.victim_registered(victim_id, preferences, phone=phone, email=email)
        await self.consent_changed(victim_id, granted=True, version=1, preferences=preferences)
        return victim_id

    async def victim_registered(self, victim_id: str, preferences: dict[str, Any], *, phone: str | None = None,
                                email: str | None = None) -> Envelope:
        """intake.victim.registered.v1 as intake publishes it (contact encrypted under the victim's key)."""
        data: dict[str, Any] = {
            "victim_id": victim_id, "organisation": "org-amdh", "sex": "female", "age_band": "25-39",
            "region": "mopti", "notifications": preferences,
            "phone_ciphertext": self.keys.encrypt(victim_id, "phone", phone) if phone else None,
            "email_ciphertext": self.keys.encrypt(victim_id, "email", email) if email else None}
        return await self.feed("intake.victims", "intake.victim.registered.v1", victim_id, data)

    async def consent_changed(self, victim_id: str, *, granted: bool, version: int,
                              preferences: dict[str, Any] | None = None) -> Envelope:
        """intake.victim.consent_changed.v1 (intake sends version 1 right after the registration)."""
        notifications = {"channel": "sms", "language": "fr", "safe_hours_start": "08:00", "safe_hours_end": "20:00",
                         "shared_phone": False, **(preferences or {}), "granted": granted}
        data = {"victim_id": victim_id, "version": version, "legal_support": True, "notifications": notifications,
                "sharing": [], "statistics": True}
        return await self.feed("intake.victims", "intake.victim.consent_changed.v1", victim_id, data)

    async def hearing_event(self, verb: str, hearing_id: str, victim_ids: list[str],
                            starts_at: datetime) -> Envelope:
        """casework.hearing.<verb>.v1 for the given victims, as casework publishes it."""
        data: dict[str, Any] = {"hearing_id": hearing_id, "case_id": "case-1", "victim_ids": victim_ids,
                                "court_code": "tgi-mopti", "court_name": "Tribunal de grande instance de Mopti",
                                "city": "Mopti", "starts_at": starts_at.isoformat()}
        data |= {"scheduled": {"purpose": "trial"}, "rescheduled": {"previous_starts_at": starts_at.isoformat(),
                                                                    "reason": "postponed"},
                 "cancelled": {"reason": "withdrawn"}}[verb]
        return await self.feed("casework.hearings", f"casework.hearing.{verb}.v1", hearing_id, data)

    async def referral_accepted(self, victim_id: str) -> Envelope:
        """casework.referral.accepted.v1 for one victim."""
        data = {"referral_id": str(uuid.uuid4()), "victim_id": victim_id, "case_id": "case-1",
                "organisation": "org-aj", "lawyers": ["lawyer-1"], "court": None}
        return await self.feed("casework.cases", "casework.referral.accepted.v1", "case-1", data)

    def another_instance(self) -> Deps:
        """The wiring of a second notify instance on the same store and clock (its client is the caller's to close)."""
        return notify_deps(self.settings, self.clock)

    async def tick(self) -> int:
        """One dispatcher pass at the current (fake) time."""
        return await self.dispatcher.run_once()

    async def delivery(self, delivery_id: str) -> Delivery | None:
        """A delivery's state as its events made it."""
        return (await self.deps.store.load(DELIVERY, delivery_id)).state

    async def deliveries_of(self, victim_id: str) -> list[Delivery]:
        """Every delivery to one victim, oldest first."""
        docs, _ = await victim_deliveries(self.deps.core.db, victim_id, cursor=None, limit=MAX_PAGE)
        return [(await self.deps.store.load(DELIVERY, doc["_id"])).state for doc in docs]  # type: ignore[misc]


