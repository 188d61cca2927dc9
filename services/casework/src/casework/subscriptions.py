"""Casework's explicit subscriptions: {event type: [handlers]} per consumer group."""

from __future__ import annotations

from servicekit.runtime import ConsumerGroup

from .domain.referral import ReferralAccepted
from .handlers import apply_consent_change, apply_erasure, ensure_case_opened, receive_referral

VICTIM_REFERRED = "intake.victim.referred.v1"
CONSENT_CHANGED = "intake.victim.consent_changed.v1"
VICTIM_ERASED = "intake.victim.erased.v1"

# Referrals and consent changes travel on different topics; one group keeps them in one place, and
# the victim status document (victims.py) makes the result independent of their arrival order.
INTAKE = ConsumerGroup(
    purpose="intake",
    topics=["intake.referrals", "intake.victims"],
    subscriptions={
        VICTIM_REFERRED: [receive_referral],
        CONSENT_CHANGED: [apply_consent_change],
        VICTIM_ERASED: [apply_erasure],
    },
)

# Our own referral.accepted: opens the case if the accepting request died between its two writes.
CASES = ConsumerGroup(
    purpose="cases",
    topics=["casework.cases"],
    subscriptions={ReferralAccepted.event_type: [ensure_case_opened]},
)

GROUPS = [INTAKE, CASES]
