"""Commands on a delivery: `decide` functions that return the events to commit (none = nothing to do).

Each is pure and idempotent: asked twice, the second answer is "nothing", so a retried command or
a redelivered event never records anything twice, and a delivery is claimed for sending only once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from servicekit.domain import DomainEvent
from servicekit.errors import Conflict

from .delivery import (
    CancelReason,
    Delivery,
    DeliveryCancelled,
    DeliveryDeferred,
    DeliveryDelivered,
    DeliveryDispatched,
    DeliveryFailed,
    DeliveryFlagged,
    DeliveryInterrupted,
    DeliveryResent,
    DeliveryScheduled,
    DeliverySent,
    FlagReason,
    ResendReason,
)

ReportStatus = Literal["queued", "sent", "delivered", "failed"]


def _outcome(state: Delivery, now: datetime) -> dict[str, object]:
    return {"victim_id": state.victim_id, "channel": state.channel, "kind": state.kind, "at": now}


def schedule(state: Delivery | None, *, event: DeliveryScheduled) -> list[DomainEvent]:
    """Plan a delivery once; a delivery that already exists is left as it is."""
    return [event] if state is None else []


def defer(state: Delivery | None, *, until: datetime) -> list[DomainEvent]:
    """Move a pending delivery to the start of the victim's next safe window."""
    if state is None or state.status != "pending" or state.due_at >= until:
        return []
    return [DeliveryDeferred(due_at=until, reason="safe_hours")]


def dispatch(state: Delivery | None, *, now: datetime) -> list[DomainEvent]:
    """Claim a due pending delivery for sending; only one claimant can win (version guard)."""
    if state is None or state.status != "pending" or state.due_at > now:
        return []
    return [DeliveryDispatched(at=now)]


def record_sent(state: Delivery | None, *, now: datetime, provider: str, attempts: int, segments: int | None = None,
                encoding: Literal["GSM-7", "UCS-2"] | None = None) -> list[DomainEvent]:
    """Record that a provider accepted the message."""
    if state is None:
        return []
    # A carrier report can beat this record by milliseconds; the send facts are still recorded once.
    early_report = state.sent_at is None and (
        state.status == "delivered" or (state.status == "failed" and state.failure_stage == "carrier"))
    if state.status != "dispatching" and not early_report:
        return []
    return [DeliverySent(**_outcome(state, now), provider=provider, attempts=attempts, segments=segments,
                         encoding=encoding)]


def record_send_failure(state: Delivery | None, *, now: datetime, reason: str, provider: str | None,
                        attempts: int) -> list[DomainEvent]:
    """Record that no provider accepted the message (rejected, or retries and failover exhausted)."""
    if state is None or state.status != "dispatching":
        return []
    return [DeliveryFailed(**_outcome(state, now), stage="send", reason=reason[:120], provider=provider,
                           attempts=attempts)]


def apply_report(state: Delivery | None, *, now: datetime, provider: str, status: ReportStatus | None,
                 error_code: str | None = None) -> list[DomainEvent]:
    """Apply a provider's delivery report: idempotent, and monotonic (a late `sent` changes nothing).

    A report also settles an `unknown` delivery: it proves the provider accepted the message.
    """
    if state is None or state.status not in ("dispatching", "sent", "unknown"):
        return []
    if status == "delivered":
        return [DeliveryDelivered(**_outcome(state, now), provider=provider)]
    if status == "failed":
        reason = f"{provider}:{error_code}" if error_code else f"{provider}:undelivered"
        return [DeliveryFailed(**_outcome(state, now), stage="carrier", reason=reason[:120], provider=provider,
                               attempts=state.attempts)]
    return []


def cancel(state: Delivery | None, *, now: datetime, reason: CancelReason) -> list[DomainEvent]:
    """Cancel a delivery that has not been handed to a channel yet; later ones are left alone."""
    if state is None or state.status != "pending":
        return []
    return [DeliveryCancelled(**_outcome(state, now), reason=reason)]


def record_unknown_outcome(state: Delivery | None, *, now: datetime) -> list[DomainEvent]:
    """The provider may have the message but never answered: `unknown`, never resent blindly."""
    if state is None or state.status != "dispatching":
        return []
    return [DeliveryInterrupted(**_outcome(state, now))]


def interrupt(state: Delivery | None, *, now: datetime, stale_after: timedelta) -> list[DomainEvent]:
    """Mark a send whose outcome never got recorded as `unknown` (it will not be resent blindly)."""
    if state is None or state.status != "dispatching" or state.dispatched_at is None:
        return []
    if now - state.dispatched_at < stale_after:
        return []
    return [DeliveryInterrupted(**_outcome(state, now))]


def flag(state: Delivery | None, *, now: datetime, reason: FlagReason) -> list[DomainEvent]:
    """Raise a flag for staff once per reason; a delivery that reached the victim's phone needs none."""
    if state is None or reason in state.flags or state.status in ("sent", "delivered"):
        return []
    return [DeliveryFlagged(**_outcome(state, now), reason=reason, hearing_id=state.hearing_id)]


def resend(state: Delivery | None, *, now: datetime, resend_delivery_id: str,
           reason: ResendReason) -> list[DomainEvent]:
    """Staff's deliberate "send again" of an unknown delivery: once, whoever asks and however often."""
    if state is not None and state.resent_as is not None:
        return []  # already sent again: the same new delivery answers every later request
    if state is None or state.status != "unknown":
        raise Conflict("send_again_needs_unknown_outcome", field="delivery_id")
    return [DeliveryResent(**_outcome(state, now), resend_delivery_id=resend_delivery_id, reason=reason)]
