"""From the service's own topics to the delivery queue: a kit consumer group, `<service>.webhooks`.

Each consumed event is matched against the subscriptions; a match records one delivery per
(subscription, event) under an id derived from both, so a redelivered record is a no-op. Only events
whose classification the subscription is cleared for are recorded, and a `confidential` event never is.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
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


@dataclass(frozen=True)
class Dispatch:
    """What the webhooks consumer group needs: the store."""

    store: WebhookStore


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
    subscriptions = [s for s in await deps.store.all() if cleared(s, envelope)]
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
