"""The delivery aggregate: one message to one victim on one channel, from scheduling to its outcome.

Its id is derived from (cause event, recipient, channel, template version), so a redelivered event
finds the delivery already there. Every transition is a commit guarded by the aggregate version:
two dispatchers racing for the same delivery cannot both claim it. Events carry ids, codes and
status only, never the message, the phone number or the address.

    pending --dispatched--> dispatching --sent--> sent --delivered--> delivered
       |                        |   \\--failed--> failed      \\--failed--> failed
       |                        \\--interrupted--> unknown (no automatic resend; reconciled with provider
       |                                              reports, else flagged for staff, who may send it again)
       \\--cancelled--> cancelled (erased, no consent, opted out, hearing moved, no longer useful...)
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import Field
from servicekit.domain import AggregateState, AggregateType, DomainEvent

from .messages import MessageKind

Channel = Literal["sms", "email"]
DeliveryStatus = Literal["pending", "dispatching", "sent", "delivered", "failed", "cancelled", "unknown"]
CancelReason = Literal[
    "erased", "no_consent", "opted_out", "hearing_cancelled", "hearing_moved", "superseded",
    "channel_changed", "no_recipient", "no_contact", "expired",
]
TERMINAL: frozenset[str] = frozenset({"delivered", "failed", "cancelled", "unknown"})
_FINAL_AFTER_SEND: frozenset[str] = frozenset({"delivered", "failed"})


class _Outcome(DomainEvent):
    """Fields every outcome event repeats so a consumer needs no other event to use it."""

    victim_id: str = Field(description="Pseudonymous victim id (intake)")
    channel: Channel = Field(description="sms or email")
    kind: MessageKind = Field(description="What the message was about (its content is never published)")
    at: datetime = Field(description="When this happened (UTC)")


class DeliveryScheduled(DomainEvent):
    """A message to a victim is planned; it waits for its due time, consent and safe hours."""

    event_type: ClassVar[str] = "notify.delivery.scheduled.v1"
    status: Literal["pending"] = Field(default="pending", description="Delivery status after this event")
    victim_id: str = Field(description="Pseudonymous victim id (intake)")
    kind: MessageKind = Field(description="Message kind, e.g. hearing_reminder")
    channel: Channel = Field(description="sms or email")
    template_version: int = Field(ge=1, description="Version of the template family used")
    cause_event_id: str = Field(description="Id of the consumed event that caused this message")
    case_id: str | None = Field(default=None, description="Case concerned (casework id), if any")
    hearing_id: str | None = Field(default=None, description="Hearing concerned (casework id), if any")
    reminder_offset_hours: int | None = Field(default=None, description="For reminders: hours before the hearing")
    scheduled_at: datetime = Field(description="When it was planned (UTC)")
    due_at: datetime = Field(description="Earliest time it may be sent (UTC)")
    expires_at: datetime | None = Field(default=None, description="After this it is no longer useful (UTC)")
    urgent: bool = Field(default=False, description="May bypass the victim's safe hours")
    replaces: str | None = Field(default=None, description="Delivery this one replaces (channel change)")


class DeliveryDeferred(DomainEvent):
    """The message was due outside the victim's safe hours and waits for the next window."""

    event_type: ClassVar[str] = "notify.delivery.deferred.v1"
    status: Literal["pending"] = Field(default="pending", description="Delivery status after this event")
    due_at: datetime = Field(description="New earliest send time (UTC)")
    reason: Literal["safe_hours"] = Field(description="Why it was deferred")


class DeliveryDispatched(DomainEvent):
    """The message was handed to its channel; the outcome (sent, failed or unknown) follows."""

    event_type: ClassVar[str] = "notify.delivery.dispatched.v1"
    status: Literal["dispatching"] = Field(default="dispatching", description="Delivery status after this event")
    at: datetime = Field(description="When the send started (UTC)")


class DeliverySent(_Outcome):
    """A provider accepted the message."""

    event_type: ClassVar[str] = "notify.delivery.sent.v1"
    status: Literal["sent"] = Field(default="sent", description="Delivery status reported by this event")
    provider: str = Field(description="Provider that accepted it, e.g. africastalking")
    attempts: int = Field(ge=1, description="Calls made over all providers")
    segments: int | None = Field(default=None, description="SMS parts billed (SMS only)")
    encoding: Literal["GSM-7", "UCS-2"] | None = Field(default=None, description="SMS encoding (SMS only)")


class DeliveryDelivered(_Outcome):
    """The provider reported the message delivered to the handset or mailbox."""

    event_type: ClassVar[str] = "notify.delivery.delivered.v1"
    status: Literal["delivered"] = Field(default="delivered", description="Delivery status after this event")
    provider: str = Field(description="Provider that reported it")


class DeliveryFailed(_Outcome):
    """The message could not be sent, or the provider reported it undelivered."""

    event_type: ClassVar[str] = "notify.delivery.failed.v1"
    status: Literal["failed"] = Field(default="failed", description="Delivery status after this event")
    stage: Literal["send", "carrier"] = Field(description="send: no provider accepted it; carrier: undelivered")
    reason: str = Field(max_length=120, description="Error code, e.g. http:400 or twilio:21211 (never text)")
    provider: str | None = Field(default=None, description="Last provider tried")
    attempts: int = Field(default=0, ge=0, description="Calls made over all providers")


class DeliveryCancelled(_Outcome):
    """The message will not be sent, and why (skipped reminders are recorded here too)."""

    event_type: ClassVar[str] = "notify.delivery.cancelled.v1"
    status: Literal["cancelled"] = Field(default="cancelled", description="Delivery status after this event")
    reason: CancelReason = Field(description="Why it was cancelled")


class DeliveryInterrupted(_Outcome):
    """A send was interrupted before its outcome was known; it is never resent automatically."""

    event_type: ClassVar[str] = "notify.delivery.interrupted.v1"
    status: Literal["unknown"] = Field(default="unknown", description="Delivery status after this event")


FlagReason = Literal["outcome_unknown", "notice_unconfirmed"]
ResendReason = Literal["no_report_from_provider", "victim_says_not_received", "other"]


class DeliveryFlagged(_Outcome):
    """Staff must look at this delivery: its outcome stayed unknown, or a hearing notice is not confirmed."""

    event_type: ClassVar[str] = "notify.delivery.flagged.v1"
    reason: FlagReason = Field(description="outcome_unknown: no provider report settled an interrupted send; "
                                           "notice_unconfirmed: a future hearing's notice is not confirmed "
                                           "before its first reminder is due")
    hearing_id: str | None = Field(default=None, description="Hearing concerned (casework id), if any")


class DeliveryResent(_Outcome):
    """Staff chose to send this message again (once): the new delivery carries the same message."""

    event_type: ClassVar[str] = "notify.delivery.resent.v1"
    resend_delivery_id: str = Field(description="The new delivery that sends the message again")
    reason: ResendReason = Field(description="Why staff decided to send it again (a code, never free text)")


class Delivery(AggregateState):
    """Current state of a delivery (the projection document)."""

    victim_id: str
    kind: MessageKind
    channel: Channel
    template_version: int
    cause_event_id: str
    case_id: str | None = None
    hearing_id: str | None = None
    reminder_offset_hours: int | None = None
    scheduled_at: datetime
    due_at: datetime
    expires_at: datetime | None = None
    urgent: bool = False
    replaces: str | None = None
    status: DeliveryStatus = "pending"
    reason: str | None = None
    provider: str | None = None
    attempts: int = 0
    segments: int | None = None
    encoding: str | None = None
    dispatched_at: datetime | None = None
    sent_at: datetime | None = None
    failure_stage: str | None = None
    updated_at: datetime | None = None
    flags: list[str] = Field(default_factory=list)
    resent_as: str | None = None


def evolve(state: Delivery | None, event: DomainEvent) -> Delivery:
    """Apply one event to a delivery; statuses only move forward."""
    if isinstance(event, DeliveryScheduled):
        fields = event.model_dump(exclude={"status"})
        return Delivery(id="", status="pending", updated_at=event.scheduled_at, **fields)
    if state is None:
        raise ValueError(f"delivery cannot start with {type(event).__name__}")
    match event:
        case DeliveryDeferred():
            return state.model_copy(update={"due_at": event.due_at, "reason": event.reason})
        case DeliveryDispatched():
            return state.model_copy(update={"status": "dispatching", "dispatched_at": event.at, "updated_at": event.at})
        case DeliverySent():
            # A carrier report may already have arrived; the send facts are kept, the status stays final.
            status = state.status if state.status in _FINAL_AFTER_SEND else "sent"
            reason = state.reason if state.status in _FINAL_AFTER_SEND else None
            return state.model_copy(update={"status": status, "reason": reason, "provider": event.provider,
                                            "attempts": event.attempts, "segments": event.segments,
                                            "encoding": event.encoding, "sent_at": event.at, "updated_at": event.at})
        case DeliveryDelivered():
            return state.model_copy(update={"status": "delivered", "provider": event.provider, "updated_at": event.at})
        case DeliveryFailed():
            attempts = max(state.attempts, event.attempts)
            return state.model_copy(update={"status": "failed", "reason": event.reason, "attempts": attempts,
                                            "failure_stage": event.stage, "provider": event.provider or state.provider,
                                            "updated_at": event.at})
        case DeliveryCancelled():
            return state.model_copy(update={"status": "cancelled", "reason": event.reason, "updated_at": event.at})
        case DeliveryInterrupted():
            return state.model_copy(update={"status": "unknown", "reason": "interrupted", "updated_at": event.at})
        case DeliveryFlagged():
            return state.model_copy(update={"flags": [*state.flags, event.reason]})
        case DeliveryResent():
            return state.model_copy(update={"resent_as": event.resend_delivery_id, "updated_at": event.at})
    raise ValueError(f"delivery cannot apply {type(event).__name__}")


DELIVERY = AggregateType(
    name="delivery", topic="notify.deliveries", collection="deliveries", state_type=Delivery,
    events=(DeliveryScheduled, DeliveryDeferred, DeliveryDispatched, DeliverySent, DeliveryDelivered,
            DeliveryFailed, DeliveryCancelled, DeliveryInterrupted, DeliveryFlagged, DeliveryResent),
    evolve=evolve,
)
