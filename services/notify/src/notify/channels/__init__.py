"""Outbound channels (SMS gateways, SMTP): the shared result types and delivery-status rules.

Adapters never raise for a gateway's answer or a network failure: they return a `SendResult`.
`error` holds a short code (a provider error code, an HTTP status, an exception class), never
provider text, because that text can echo the phone number or the message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from notify.domain.retry import SendStatus

DeliveryStatus = Literal["queued", "sent", "delivered", "failed"]

# Monotonic rank: a status only moves forward. delivered and failed are both terminal.
STATUS_RANK: dict[DeliveryStatus, int] = {"queued": 0, "sent": 1, "delivered": 2, "failed": 2}
TERMINAL_STATUSES: frozenset[DeliveryStatus] = frozenset({"delivered", "failed"})


@dataclass(frozen=True, slots=True)
class SendResult:
    """Outcome of one send attempt on one provider.

    `provider_fault` marks a refusal caused by our account with that provider (credentials,
    balance, sender id, routing), not by the recipient: the router fails over instead of failing.
    """

    status: SendStatus
    provider: str
    provider_message_id: str | None
    http_status: int | None
    error: str | None
    provider_fault: bool = False


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """A provider's delivery callback, normalised; `status` is None for states we do not track."""

    provider: str
    provider_message_id: str
    status: DeliveryStatus | None
    raw_status: str
    error_code: str | None = None
    # The recipient's number as the provider reports it (PII: only ever hashed with the index key, never kept
    # or logged), so a report for a send whose message id we never learned can still be matched.
    to_number: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class InboundSms:
    """A reply from a phone (used for opt-out); the number is PII and must never be logged."""

    provider: str
    from_number: str
    text: str
    provider_message_id: str | None


class SmsSender(Protocol):
    """An SMS gateway adapter."""

    @property
    def name(self) -> str:
        """Provider name used in results, rate limits and failover order."""
        ...

    async def send_sms(self, to: str, body: str, *, status_callback_url: str | None = None) -> SendResult:
        """Submit one SMS; never raises for gateway or network failures."""
        ...


class EmailSender(Protocol):
    """An e-mail transport."""

    async def send_email(self, to: str, subject: str, body: str) -> SendResult:
        """Submit one e-mail; never raises for server or network failures."""
        ...


def network_failure(provider: str, exc: BaseException, *, request_sent: bool = False) -> SendResult:
    """A send that got no answer, named by exception class.

    Retryable when the request cannot have reached the provider (no connection); `unknown` when it may
    have (`request_sent`): retrying then could deliver the message twice.
    """
    status: SendStatus = "unknown" if request_sent else "retryable"
    return SendResult(status, provider, None, None, f"network:{type(exc).__name__}")


def merge_status(current: DeliveryStatus | None, incoming: DeliveryStatus | None) -> DeliveryStatus | None:
    """Combine a stored status with a callback's: never backwards, terminal states stay put.

    Callbacks arrive late, twice or out of order; a late `sent` must not overwrite `delivered`.
    """
    if incoming is None:
        return current
    if current is None:
        return incoming
    if current in TERMINAL_STATUSES:
        return current
    return incoming if STATUS_RANK[incoming] >= STATUS_RANK[current] else current


__all__ = [
    "STATUS_RANK",
    "TERMINAL_STATUSES",
    "DeliveryReport",
    "DeliveryStatus",
    "EmailSender",
    "InboundSms",
    "SendResult",
    "SendStatus",
    "SmsSender",
    "merge_status",
    "network_failure",
]
