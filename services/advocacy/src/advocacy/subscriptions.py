"""Advocacy's explicit subscriptions: {event type: [handlers]} per consumer group."""

from __future__ import annotations

from servicekit.runtime import ConsumerGroup

from .handlers import project_incident_documented

INDICATORS = ConsumerGroup(
    purpose="indicators",
    topics=["intake.incidents"],
    subscriptions={"intake.incident.documented.v1": [project_incident_documented]},
)

GROUPS = [INDICATORS]
