"""From the service's own topics to the delivery queue: a kit consumer group, `<service>.webhooks`.

Each consumed event is matched against the subscriptions; a match records one delivery per
(subscription, event) under an id derived from both, so a redelivered record is a no-op. Only events
whose classification the subscription is cleared for are recorded, and a `confidential` event never is.

The subscriptions are read once per process and kept for `SUBSCRIPTIONS_FRESH_SECONDS` (a bounded
staleness): a consumed event reads nothing while they are fresh, so the group costs at most one read
a second, not one per event. Why no subscription created through any process's API is missed: the
API answers a creation only `CREATION_SETTLES_SECONDS` after the subscription is stored, longer than
the bound, and an event "after the answer" is decided, published and consumed after that answer; its
handler starts less than the bound after its process's last read began, so that read began after
the subscription was stored, and saw it. Only durations are compared, each on its own process's
monotonic clock, so clocks of different hosts need not agree. A marker read per batch would need no
wait, but this runner hands over one record at a time and the pipeline's batches are of one: it
would still be a read per event. Pausing, resuming and disabling do not matter here (deliveries are
recorded and held whatever the status; the sender reads the status at each pass), and the sender
drops deliveries a stale cache recorded for a subscription deleted meanwhile.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..consumer import ConsumedEvent, Handler
from ..domain import AggregateType
from ..envelope import Envelope
from .store import WebhookStore

log = logging.getLogger("servicekit.webhooks")
NEVER_SENT = frozenset({"confidential"})
CLOUDEVENTS_JSON = "application/cloudevents+json"
SUBSCRIPTIONS_FRESH_SECONDS = 1.0
# Longer than the bound by a margin for the two processes' clocks running at slightly different rates.
CREATION_SETTLES_SECONDS = SUBSCRIPTIONS_FRESH_SECONDS + 0.25


class SubscriptionCache:
    """The subscriptions as this process last read them; read again once the read is `fresh_seconds` old."""

    def __init__(self, store: WebhookStore, *, fresh_seconds: float = SUBSCRIPTIONS_FRESH_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.fresh_seconds = fresh_seconds
        self.clock = clock
        self._subscriptions: list[dict[str, Any]] = []
        self._read_at: float | None = None

    async def current(self) -> list[dict[str, Any]]:
        """Every subscription's routing fields, as of a read begun less than `fresh_seconds` ago."""
        started = self.clock()  # when the read begins, not when it ends: what it saw is at least that recent
        if self._read_at is None or started - self._read_at >= self.fresh_seconds:
            self._subscriptions = await self.store.routing()
            self._read_at = started
        return self._subscriptions


@dataclass(frozen=True)
class Dispatch:
    """What the webhooks consumer group needs: the store, and the subscriptions this process keeps."""

    store: WebhookStore
    subscriptions: SubscriptionCache


def published_types(aggregates: Sequence[AggregateType[Any]]) -> dict[str, str]:
    """Every event type the service publishes, with its declared classification."""
    return {event.event_type: event.classification for agg in aggregates for event in agg.events}


def structured_cloudevent(envelope: Envelope) -> str:
    """The event in CloudEvents structured JSON mode: attributes and data in one document."""
    document = {
        "specversion": envelope.specversion, "id": envelope.id, "source": envelope.source, "type": envelope.type,
        "subject": envelope.subject, "time": envelope.time.isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json", "dataclassification": envelope.classification,
        "correlationid": envelope.correlation_id or envelope.id, "data": envelope.data,
    }
    if envelope.causation_id:
        document["causationid"] = envelope.causation_id
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def cleared(subscription: Mapping[str, Any], envelope: Envelope) -> bool:
    """True when this subscription may receive this event (type, clearance, registered before it)."""
    if envelope.classification in NEVER_SENT or envelope.classification not in subscription["classifications"]:
        return False
    if envelope.type not in subscription["event_types"]:
        return False
    return envelope.time >= _aware(subscription["created_at"])


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def record_deliveries(event: ConsumedEvent, deps: Dispatch) -> None:
    """Queue one delivery of this event for every subscription cleared for it."""
    envelope = event.envelope
    subscriptions = [s for s in await deps.subscriptions.current() if cleared(s, envelope)]
    if not subscriptions:
        return
    body = structured_cloudevent(envelope)
    for subscription in subscriptions:
        await deps.store.record(subscription["_id"], event_id=envelope.id, event_time=envelope.time,
                                stream=f"{event.topic}/{envelope.subject}", order=event.offset, body=body)
    log.info("event queued for %d webhook(s)", len(subscriptions), extra={"event_id": envelope.id})


def dispatch_subscriptions(aggregates: Sequence[AggregateType[Any]]) -> dict[str, list[Handler]]:
    """The webhooks group's handler map: every published type goes through `record_deliveries`."""
    return {event_type: [record_deliveries] for event_type in published_types(aggregates)}
