"""Twilio-style SMS adapter: Messages API, status callbacks and X-Twilio-Signature validation.

Request: POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json, HTTP basic auth
(AccountSid, AuthToken), form fields To, From (or MessagingServiceSid), Body, StatusCallback.
Answer: 201 with JSON `sid`, `status`; errors are JSON `code`, `message`, `status`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from notify.channels import DeliveryReport, DeliveryStatus, InboundSms, SendResult
from notify.channels.http_sms import HttpSmsAdapter
from notify.domain.retry import classify_http_status

DEFAULT_BASE_URL = "https://api.twilio.com"
SIGNATURE_HEADER = "X-Twilio-Signature"

# 400-level error codes about our sender or account, not the recipient: fail over, don't fail.
# 21212 invalid From, 21606 From not SMS-capable, 21659 From not a Twilio number,
# 21408 region not enabled, 20003 authentication, 20005 account not active.
PROVIDER_FAULT_CODES = frozenset({21212, 21606, 21659, 21408, 20003, 20005})

STATUS_MAP: Mapping[str, DeliveryStatus] = {
    "accepted": "queued",
    "scheduled": "queued",
    "queued": "queued",
    "sending": "queued",
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "failed",
    "failed": "failed",
    "canceled": "failed",
}


@dataclass(frozen=True, slots=True)
class TwilioConfig:
    """Account credentials and sender; `base_url` points tests at a local gateway."""

    account_sid: str
    auth_token: str = field(repr=False)
    from_number: str | None = None
    messaging_service_sid: str | None = None
    base_url: str = DEFAULT_BASE_URL
    timeout: float = 10.0
    name: str = "twilio"

    def __post_init__(self) -> None:
        if not self.account_sid or not self.auth_token:
            raise ValueError("Twilio account_sid and auth_token are required")
        if not (self.from_number or self.messaging_service_sid):
            raise ValueError("Twilio needs a from_number or a messaging_service_sid")


class TwilioSms(HttpSmsAdapter):
    """Sends SMS through a Twilio-compatible Messages API."""

    def __init__(self, config: TwilioConfig, client: httpx.AsyncClient | None = None) -> None:
        super().__init__(config.name, client)
        self.config = config

    @property
    def messages_url(self) -> str:
        """The Messages resource of the configured account."""
        base = self.config.base_url.rstrip("/")
        return f"{base}/2010-04-01/Accounts/{self.config.account_sid}/Messages.json"

    def _form(self, to: str, body: str, status_callback_url: str | None) -> dict[str, str]:
        form = {"To": to, "Body": body}
        if self.config.messaging_service_sid:
            form["MessagingServiceSid"] = self.config.messaging_service_sid
        if self.config.from_number:
            form["From"] = self.config.from_number
        if status_callback_url:
            form["StatusCallback"] = status_callback_url
        return form

    async def send_sms(self, to: str, body: str, *, status_callback_url: str | None = None) -> SendResult:
        """Create one Message; never raises for gateway or network failures."""
        return await self._post(self.messages_url, parse_send_response, timeout=self.config.timeout,
                                data=self._form(to, body, status_callback_url),
                                auth=(self.config.account_sid, self.config.auth_token),
                                headers={"Accept": "application/json"})


def parse_send_response(provider: str, http_status: int, payload: Mapping[str, Any]) -> SendResult:
    """Map a Messages API answer to a SendResult (error codes only, never Twilio's message text)."""
    status = classify_http_status(http_status)
    if status == "accepted":
        sid = payload.get("sid")
        if isinstance(sid, str) and sid:
            return SendResult("accepted", provider, sid, http_status, None)
        # Accepted without a sid: still accepted, since resending could reach the victim twice.
        return SendResult("accepted", provider, None, http_status, "twilio:no_sid")
    code = payload.get("code")
    error = f"twilio:{code}" if isinstance(code, int) else f"http:{http_status}"
    fault = status == "rejected" and (http_status in (401, 403) or code in PROVIDER_FAULT_CODES)
    return SendResult(status, provider, None, http_status, error, provider_fault=fault)


def parse_delivery_report(form: Mapping[str, str], provider: str = "twilio") -> DeliveryReport:
    """Normalise a status callback (MessageSid, MessageStatus, ErrorCode)."""
    sid = form.get("MessageSid") or form.get("SmsSid")
    raw = (form.get("MessageStatus") or form.get("SmsStatus") or "").strip().lower()
    if not sid or not raw:
        raise ValueError("status callback without MessageSid or MessageStatus")
    return DeliveryReport(
        provider=provider,
        provider_message_id=sid,
        status=STATUS_MAP.get(raw),
        raw_status=raw,
        error_code=form.get("ErrorCode") or None,
        to_number=form.get("To") or None,
    )


def parse_inbound_sms(form: Mapping[str, str], provider: str = "twilio") -> InboundSms:
    """Normalise an incoming-message webhook (From, Body, MessageSid)."""
    sender = form.get("From")
    if not sender:
        raise ValueError("incoming message without From")
    return InboundSms(provider, sender, form.get("Body", ""), form.get("MessageSid"))


ParamValues = str | Sequence[str]


def compute_signature(url: str, params: Mapping[str, ParamValues], auth_token: str) -> str:
    """Twilio's documented scheme: base64 HMAC-SHA1 of the URL + each sorted POST key and value."""
    parts = [url]
    for key in sorted(params):
        values = params[key]
        for value in sorted([values] if isinstance(values, str) else values):
            parts.append(key + value)
    digest = hmac.new(auth_token.encode(), "".join(parts).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _url_variants(url: str) -> list[str]:
    """The URL as given, without and with its default port (proxies add or drop it)."""
    parts = urlsplit(url)
    userinfo, _, _ = parts.netloc.rpartition("@")
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    prefix = f"{userinfo}@" if userinfo else ""
    default_port = {"https": 443, "http": 80}.get(parts.scheme)
    netlocs = [prefix + host]
    if default_port:
        netlocs.append(f"{prefix}{host}:{default_port}")
    variants = [url, *(urlunsplit(parts._replace(netloc=netloc)) for netloc in netlocs)]
    return list(dict.fromkeys(variants))


def validate_signature(url: str, params: Mapping[str, ParamValues], signature: str | None, auth_token: str) -> bool:
    """Whether an X-Twilio-Signature header matches the request (constant-time comparison)."""
    if not signature or not auth_token:
        return False
    return any(
        hmac.compare_digest(compute_signature(candidate, params, auth_token), signature)
        for candidate in _url_variants(url)
    )
