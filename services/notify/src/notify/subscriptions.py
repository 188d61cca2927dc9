"""Notify's explicit subscriptions: {event type: [handlers]} per consumer group."""

from __future__ import annotations

from servicekit.runtime import ConsumerGroup

from .handlers import (
    change_recipient_consent,
    erase_recipient,
    forget_case_for_victim,
    notify_hearing_cancelled,
    notify_hearing_rescheduled,
    notify_hearing_scheduled,
    notify_referral_accepted,
    notify_stage_changed,
    register_recipient,
)

RECIPIENTS = ConsumerGroup(
    purpose="recipients",
    topics=["intake.victims"],
    subscriptions={
        "intake.victim.registered.v1": [register_recipient],
        "intake.victim.consent_changed.v1": [change_recipient_consent],
        "intake.victim.erased.v1": [erase_recipient],
    },
)

MESSAGES = ConsumerGroup(
    purpose="messages",
    topics=["casework.cases", "casework.hearings"],
    subscriptions={
        "casework.referral.accepted.v1": [notify_referral_accepted],
        "casework.case.stage_changed.v1": [notify_stage_changed],
        "casework.case.victim_removed.v1": [forget_case_for_victim],
        "casework.hearing.scheduled.v1": [notify_hearing_scheduled],
        "casework.hearing.rescheduled.v1": [notify_hearing_rescheduled],
        "casework.hearing.cancelled.v1": [notify_hearing_cancelled],
    },
)

GROUPS = [RECIPIENTS, MESSAGES]
