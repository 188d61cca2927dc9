"""Intake's explicit subscriptions: casework's answers to its referrals, for the referring organisation to see."""

from __future__ import annotations

from servicekit.runtime import ConsumerGroup

from .handlers.referrals import (
    record_acceptance,
    record_case_joined,
    record_case_left,
    record_case_opened,
    record_decline,
    record_transfer,
)

# Casework publishes its referral decisions and its cases on casework.cases; one group reads them all.
ANSWERS = ConsumerGroup(
    purpose="answers",
    topics=["casework.cases"],
    subscriptions={
        "casework.referral.accepted.v1": [record_acceptance],
        "casework.referral.declined.v1": [record_decline],
        "casework.referral.transferred.v1": [record_transfer],
        "casework.case.opened.v1": [record_case_opened],
        "casework.case.victim_joined.v1": [record_case_joined],
        "casework.case.victim_removed.v1": [record_case_left],
    },
)

GROUPS: list[ConsumerGroup] = [ANSWERS]
