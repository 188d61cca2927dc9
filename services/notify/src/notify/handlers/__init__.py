"""Notify's handlers: consumed events, provider webhooks and staff's commands (async, no FastAPI)."""

from .cases import notify_referral_accepted, notify_stage_changed
from .deliveries import SentAgain, send_again
from .hearings import (
    notify_hearing_cancelled,
    notify_hearing_rescheduled,
    notify_hearing_scheduled,
    plan_hearing_messages,
)
from .providers import apply_delivery_report, opt_out_by_reply
from .recipients import change_recipient_consent, erase_recipient, forget_case_for_victim, register_recipient

__all__ = [
    "SentAgain", "apply_delivery_report", "change_recipient_consent", "erase_recipient", "forget_case_for_victim",
    "notify_hearing_cancelled", "notify_hearing_rescheduled", "notify_hearing_scheduled", "notify_referral_accepted",
    "notify_stage_changed", "opt_out_by_reply", "plan_hearing_messages", "register_recipient", "send_again",
]
