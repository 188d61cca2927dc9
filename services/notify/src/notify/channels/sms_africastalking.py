"""Africa's Talking-style SMS adapter: bulk messaging API, delivery reports, callback token check.

Request: POST {base}/version1/messaging, header `apiKey`, `Accept: application/json`, form
fields username, to, message, from. Answer: JSON SMSMessageData.Recipients[] with statusCode,
status, messageId. Delivery reports are POSTed as a form (id, status, failureReason, ...) to a
URL configured in the Africa's Talking dashboard; they are not signed, so the URL carries a
shared secret token that `verify_callback_token` checks.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from notify.channels import DeliveryReport, DeliveryStatus, InboundSms, SendResult
from notify.channels.http_sms import HttpSmsAdapter
from notify.domain.retry import classify_http_status

DEFAULT_BASE_URL = "https://api.africastalking.com"
SANDBOX_BASE_URL = "https://api.sandbox.africastalking.com"

# Per-recipient statusCode values documented by Africa's Talking.
RECIPIENT_STATUS = {
    100: "Processed",
    101: "Sent",
    102: "Queued",
    401: "RiskHold",
    402: "InvalidSenderId",
    403: "InvalidPhoneNumber",
    404: "UnsupportedNumberType",
    405: "InsufficientBalance",
    406: "UserInBlacklist",
    407: "CouldNotRoute",
    409: "DoNotDisturbRejection",
    500: "InternalServerError",
    501: "GatewayError",
    502: "RejectedByGateway",
}
ACCEPTED_CODES = frozenset({100, 101, 102})
RETRYABLE_CODES = frozenset({500, 501})
# About our account or route, not the recipient: another provider may well succeed.
PROVIDER_FAULT_CODES = frozenset({401, 402, 405, 407})

STATUS_MAP: Mapping[str, DeliveryStatus] = {
    "submitted": "sent",
    "buffered": "sent",
    "sent": "sent",
    "success": "delivered",
    "rejected": "failed",
    "failed": "failed",
    "expired": "failed",
    "absentsubscriber": "failed",
}


@dataclass(frozen=True, slots=True)
class AfricasTalkingConfig:
    """Account credentials and sender id; `base_url` points tests at a local gateway."""

    username: str
    api_key: str = field(repr=False)
    sender_id: str | None = None
    base_url: str = DEFAULT_BASE_URL
    timeout: float = 10.0
    name: str = "africastalking"

    def __post_init__(self) -> None:
        if not self.username or not self.api_key:
            raise ValueError("Africa's Talking username and api_key are required")


class AfricasTalkingSms(HttpSmsAdapter):
    """Sends SMS through an Africa's Talking-compatible messaging API."""

    def __init__(self, config: AfricasTalkingConfig, client: httpx.AsyncClient | None = None) -> None:
        super().__init__(config.name, client)
        self.config = config

    @property
    def messaging_url(self) -> str:
        """The bulk messaging endpoint."""
        return f"{self.config.base_url.rstrip('/')}/version1/messaging"

    def _form(self, to: str, body: str) -> dict[str, str]:
        form = {"username": self.config.username, "to": to, "message": body}
        if self.config.sender_id:
            form["from"] = self.config.sender_id
        return form

    async def send_sms(self, to: str, body: str, *, status_callback_url: str | None = None) -> SendResult:
        """Send one SMS; the delivery-report URL is set in the dashboard, so the argument is unused."""
        return await self._post(self.messaging_url, parse_send_response, timeout=self.config.timeout,
                                data=self._form(to, body),
                                headers={"apiKey": self.config.api_key, "Accept": "application/json"})


def _first_recipient(payload: Mapping[str, Any]) -> Mapping[str, Any] | None:
    data = payload.get("SMSMessageData")
    recipients = data.get("Recipients") if isinstance(data, Mapping) else None
    if isinstance(recipients, list) and recipients and isinstance(recipients[0], Mapping):
        return recipients[0]
    return None


def parse_send_response(provider: str, http_status: int, payload: Mapping[str, Any]) -> SendResult:
    """Map a messaging answer to a SendResult, from the HTTP status then the recipient's statusCode."""
    status = classify_http_status(http_status)
    if status != "accepted":
        fault = status == "rejected" and http_status in (401, 403)
        return SendResult(status, provider, None, http_status, f"http:{http_status}", provider_fault=fault)
    recipient = _first_recipient(payload)
    if recipient is None:
        # No recipient line: the request was refused as a whole (e.g. blacklisted or bad sender).
        return SendResult("rejected", provider, None, http_status, "africastalking:no_recipient")
    try:
        code = int(recipient.get("statusCode", -1))
    except (TypeError, ValueError):
        code = -1
    error = f"africastalking:{code}:{RECIPIENT_STATUS.get(code, 'Unknown')}"
    if code in ACCEPTED_CODES:
        message_id = recipient.get("messageId")
        return SendResult("accepted", provider, str(message_id) if message_id else None, http_status, None)
    if code in RETRYABLE_CODES:
        return SendResult("retryable", provider, None, http_status, error)
    fault = code in PROVIDER_FAULT_CODES
    return SendResult("rejected", provider, None, http_status, error, provider_fault=fault)


def parse_delivery_report(form: Mapping[str, str], provider: str = "africastalking") -> DeliveryReport:
    """Normalise a delivery report (id, status, failureReason)."""
    message_id = form.get("id")
    raw = (form.get("status") or "").strip()
    if not message_id or not raw:
        raise ValueError("delivery report without id or status")
    return DeliveryReport(
        provider=provider,
        provider_message_id=message_id,
        status=STATUS_MAP.get(raw.lower()),
        raw_status=raw,
        error_code=form.get("failureReason") or None,
        to_number=form.get("phoneNumber") or None,
    )


def parse_inbound_sms(form: Mapping[str, str], provider: str = "africastalking") -> InboundSms:
    """Normalise an incoming-message callback (from, text, id)."""
    sender = form.get("from")
    if not sender:
        raise ValueError("incoming message without from")
    return InboundSms(provider, sender, form.get("text", ""), form.get("id"))


def verify_callback_token(presented: str | None, expected: str) -> bool:
    """Whether a callback carries the shared secret (constant-time); an unset secret is an error."""
    if not expected:
        # Accepting callbacks when no secret is configured would let anyone forge statuses.
        raise ValueError("callback token is not configured")
    if not presented:
        return False
    return hmac.compare_digest(presented.encode(), expected.encode())
