"""Education's explicit subscriptions: {event type: [handlers]} per consumer group.

Education counts documented incidents per region itself, from intake's events, rather than asking
advocacy: the education partner deploys its service on its own and must not depend on another
partner's service being up (services never call each other), and the region and date of an incident
are all it keeps, nothing about victims.
"""

from __future__ import annotations

from servicekit.runtime import ConsumerGroup

from .handlers.incidents import count_incident_documented, count_incident_updated, follow_incident_verification

INCIDENT_DENSITY = ConsumerGroup(
    purpose="incident-density",
    topics=["intake.incidents"],
    subscriptions={
        "intake.incident.documented.v1": [count_incident_documented],
        "intake.incident.updated.v1": [count_incident_updated],
        "intake.incident.verification_changed.v1": [follow_incident_verification],
    },
)

GROUPS = [INCIDENT_DENSITY]
