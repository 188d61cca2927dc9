"""Which events a subscription gets, and the CloudEvent it gets them as (no I/O)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from servicekit.envelope import Envelope
from servicekit.ids import new_id
from servicekit.webhooks.dispatch import cleared, structured_cloudevent

CREATED = datetime(2026, 12, 1, tzinfo=UTC)
SUBSCRIPTION = {"event_types": ["casework.hearing.scheduled.v1"], "classifications": ["public", "internal"],
                "status": "active", "created_at": CREATED}


def envelope(classification: str = "internal", *, type_: str = "casework.hearing.scheduled.v1",
             at: datetime = CREATED + timedelta(minutes=1)) -> Envelope:
    return Envelope(id=new_id(), source="/redress/casework", type=type_, subject="h-1", time=at,
                    data={"court_code": "ml-tgi-bamako-c1"}, classification=classification, correlation_id="c-1")


def test_an_event_of_a_subscribed_type_and_cleared_level_is_sent():
    assert cleared(SUBSCRIPTION, envelope())


@pytest.mark.parametrize("clearances", [["public", "internal"], ["public", "internal", "confidential"]])
def test_a_confidential_event_is_never_sent_whatever_the_subscription_says(clearances):
    assert not cleared({**SUBSCRIPTION, "classifications": clearances}, envelope("confidential"))


def test_an_internal_event_is_not_sent_to_a_subscription_cleared_for_public_only():
    assert not cleared({**SUBSCRIPTION, "classifications": ["public"]}, envelope("internal"))


def test_an_event_of_another_type_is_not_sent():
    assert not cleared(SUBSCRIPTION, envelope(type_="casework.hearing.held.v1"))


def test_an_event_from_before_the_subscription_is_not_sent():
    assert not cleared(SUBSCRIPTION, envelope(at=CREATED - timedelta(seconds=1)))


def test_the_cloudevent_is_structured_json_with_its_attributes_and_data():
    event = envelope()
    document = json.loads(structured_cloudevent(event))
    assert document == {"specversion": "1.0", "id": event.id, "source": "/redress/casework",
                        "type": "casework.hearing.scheduled.v1", "subject": "h-1", "time": "2026-12-01T00:01:00Z",
                        "datacontenttype": "application/json", "dataclassification": "internal",
                        "correlationid": "c-1", "data": {"court_code": "ml-tgi-bamako-c1"}}
