"""Advocacy's explicit subscriptions: {event type: [handlers]} per consumer group."""

from __future__ import annotations

from servicekit.runtime import ConsumerGroup

from .projections import recorders as p

# Every topic the indicators are built from; the rebuild replays exactly these.
INDICATORS = ConsumerGroup(
    purpose="indicators",
    topics=["intake.incidents", "intake.victims", "casework.cases", "casework.hearings", "casework.reparations",
            "education.sessions"],
    subscriptions={
        "intake.incident.documented.v1": [p.project_incident_documented],
        "intake.incident.updated.v1": [p.project_incident_updated],
        "intake.incident.verification_changed.v1": [p.project_incident_verification_changed],
        "intake.victim.registered.v1": [p.project_victim_registered],
        "intake.victim.consent_changed.v1": [p.project_victim_consent_changed],
        "intake.victim.erased.v1": [p.project_victim_erased],
        "intake.victim.referred.v1": [p.project_victim_referred],
        "casework.case.opened.v1": [p.project_case_opened],
        "casework.case.victim_joined.v1": [p.project_case_victim_joined],
        "casework.case.stage_changed.v1": [p.project_case_stage_changed],
        "casework.case.closed.v1": [p.project_case_closed],
        "casework.hearing.scheduled.v1": [p.project_hearing_scheduled],
        "casework.hearing.rescheduled.v1": [p.project_hearing_rescheduled],
        "casework.hearing.held.v1": [p.project_hearing_held],
        "casework.hearing.cancelled.v1": [p.project_hearing_cancelled],
        "casework.reparation.awarded.v1": [p.project_reparation_awarded],
        "casework.reparation.paid.v1": [p.project_reparation_paid],
        "education.session.held.v1": [p.project_session_held],
    },
)

GROUPS = [INDICATORS]
