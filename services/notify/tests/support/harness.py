"""Notify on the kit's in-process harness, with an injected clock and helpers that act like intake and casework.

The consumer groups and the relay run as in production (`servicekit.testing.in_process_service`); the
dispatcher is driven by the test (`tick`), so time only moves when the test moves the clock: no real
waiting. Consumed events are published to real topics with the CloudEvents headers intake and casework use.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiokafka.structs import RecordMetadata
from notify.bootstrap import Deps
from notify.dispatcher import Dispatcher
from notify.domain.delivery import DELIVERY, Delivery
from notify.queries import victim_deliveries
from servicekit.api import MAX_PAGE
from servicekit.envelope import Envelope
from servicekit.ids import new_id
from servicekit.testing import FakeClock, InProcessService, in_process_service


def harness_settings(*, keys_url: str, private_key: Path, gateway: Any = None, smtp: Any = None,
                     **overrides: Any) -> dict[str, Any]:
    """Notify's settings beyond the harness's: the local gateway, SMTP server and key-release server."""
    values: dict[str, Any] = {
        "dev_signing_key_file": private_key, "intake_url": keys_url,
        "callback_phone": "+223 20 22 33 44", "callback_token": "at-callback-token",
        "phone_index_key": "phone-index-test-key", "retry_base_delay_seconds": 0.01,
        "retry_max_delay_seconds": 0.05, "dispatch_stale_after_seconds": 60, "public_base_url": "http://notify.test",
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
    return values | overrides


@asynccontextmanager
async def running_notify(infra: Any, dev_keys: tuple[Path, Path], keys: Any, clock: FakeClock,
                         **settings: Any) -> AsyncIterator[NotifyHarness]:
    """Notify's worker running on a fresh database and topics, signing its key requests with `dev_keys`."""
    private_key, _ = dev_keys
    values = harness_settings(keys_url=keys.url, private_key=private_key, **settings)
    async with in_process_service("notify", infra, private_key.parent, clock=clock, **values) as service:
        yield NotifyHarness(service, clock, keys)


@dataclass
class NotifyHarness:
    """Helpers over the kit's in-process notify: feed it events, drive its dispatcher, inspect deliveries."""

    service: InProcessService
    clock: FakeClock
    keys: Any
    dispatcher: Dispatcher = field(init=False)

    def __post_init__(self) -> None:
        self.dispatcher = Dispatcher(self.deps)
        self._last_event_time = datetime.min.replace(tzinfo=self.clock().tzinfo)

    @property
    def deps(self) -> Deps:
        return self.service.deps  # type: ignore[no-any-return]

    @property
    def settings(self) -> Any:
        return self.service.settings

    def topic(self, name: str) -> str:
        return self.service.topic(name)

    async def start(self) -> None:
        """Start the worker again (the service coming up on the same store and topics)."""
        await self.service.start_worker()

    async def stop(self) -> None:
        """Stop the worker (the service going down); its store and topics stay."""
        await self.service.stop_worker()

    async def publish(self, topic: str, event_type: str, subject: str, data: dict[str, Any], *,
                      times: int = 2) -> tuple[Envelope, list[RecordMetadata]]:
        """Publish one event `times` times (same id: a redelivery) the way its producer would."""
        source = "/redress/" + topic.split(".")[0]
        # Producers stamp events with their own clock, which moves between two events.
        self._last_event_time = max(self.clock(), self._last_event_time + timedelta(milliseconds=1))
        envelope = Envelope(id=new_id(), source=source, type=event_type, subject=subject, time=self._last_event_time,
                            data=data, classification="confidential")
        sent = [await self.service.publish(topic, envelope) for _ in range(times)]
        return envelope, sent

    async def wait_consumed(self, records: list[RecordMetadata], timeout: float = 30.0) -> None:
        """Wait until notify's consumer groups committed past every given record (handled, twice)."""
        await self.service.wait_consumed(records, timeout)

    async def replay(self, topic: str, envelope: Envelope) -> None:
        """Publish an already published event again (a relay replaying after a crash) and wait for it."""
        await self.wait_consumed([await self.service.publish(topic, envelope)])

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
        return self.service.another_deps()  # type: ignore[no-any-return]

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


