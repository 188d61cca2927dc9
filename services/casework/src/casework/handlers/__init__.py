"""Casework's handlers: one async function per command or consumed event, split by aggregate.

Commands take the caller (`servicekit.api.Caller`) and the request's Idempotency-Key (`RequestKey`, or
None); they never talk to Kafka: the event store's outbox and the worker's relay publish.
"""

from .access import access_of, read_case
from .cases import (
    add_note,
    assign_lawyer,
    change_court,
    change_stage,
    read_notes,
    reveal_victim_name,
    unassign_lawyer,
)
from .hearings import cancel_hearing, read_hearing, record_hearing_held, reschedule_hearing, schedule_hearing
from .intake_events import apply_consent_change, apply_erasure, receive_referral
from .referrals import (
    accept_referral,
    accept_referral_into_case,
    decline_referral,
    ensure_case_opened,
    transfer_referral,
)
from .reparations import award_reparation, read_reparation, record_payment, request_reparation
from .tasks import complete_task, create_task

__all__ = [
    "accept_referral", "accept_referral_into_case", "access_of", "add_note", "apply_consent_change", "apply_erasure",
    "assign_lawyer", "award_reparation", "cancel_hearing", "change_court", "change_stage", "complete_task",
    "create_task", "decline_referral", "ensure_case_opened", "read_case", "read_hearing", "read_notes",
    "read_reparation", "receive_referral", "record_hearing_held", "record_payment", "request_reparation",
    "reschedule_hearing", "reveal_victim_name", "schedule_hearing", "transfer_referral", "unassign_lawyer",
]
