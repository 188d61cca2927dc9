"""E-mail over SMTP with aiosmtplib: STARTTLS (required / optional / off) or implicit TLS, AUTH."""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Literal

import aiosmtplib

from notify.channels import EmailSender, SendResult, SendStatus
from notify.channels.sms_router import Attempt, RouteResult, Sleep
from notify.domain.retry import RetryPolicy, backoff_delay, decide

logger = logging.getLogger(__name__)

StartTls = Literal["required", "optional", "off"]


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """Where and how to submit mail; credentials never travel in clear unless explicitly allowed."""

    host: str
    port: int
    from_address: str
    starttls: StartTls = "required"
    use_tls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    validate_certs: bool = True
    allow_insecure_auth: bool = False
    name: str = "smtp"

    def __post_init__(self) -> None:
        if self.use_tls and self.starttls == "required":
            raise ValueError("implicit TLS (use_tls) and STARTTLS are exclusive; set starttls='off'")
        if (self.username is None) != (self.password is None):
            raise ValueError("SMTP username and password go together")
        encrypted = self.use_tls or self.starttls == "required"
        if self.username is not None and not encrypted and not self.allow_insecure_auth:
            raise ValueError("SMTP AUTH without guaranteed TLS needs allow_insecure_auth=True")
        if "@" not in self.from_address:
            raise ValueError("from_address must be an e-mail address")

    @property
    def start_tls_flag(self) -> bool | None:
        """aiosmtplib's start_tls: True forces it, None uses it when offered, False never does."""
        if self.use_tls:
            return False
        return {"required": True, "optional": None, "off": False}[self.starttls]


def build_message(config: SmtpConfig, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text UTF-8 message with its own Message-ID."""
    message = EmailMessage()
    message["From"] = config.from_address
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=config.from_address.rpartition("@")[2])
    # Tells mail systems not to send vacation replies or bounces to people, which could leak.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body, charset="utf-8")
    return message


def _status_for_code(code: int) -> SendStatus:
    return "retryable" if 400 <= code <= 499 else "rejected"


def classify_smtp_error(provider: str, exc: Exception) -> SendResult:
    """Map an aiosmtplib error: 4xx replies and network trouble retry, 5xx replies reject."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [refused.code for refused in exc.recipients] or [550]
        status: SendStatus = "retryable" if all(400 <= c <= 499 for c in codes) else "rejected"
        return SendResult(status, provider, None, None, f"smtp:{max(codes)}")
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return SendResult("rejected", provider, None, None, f"smtp:auth:{exc.code}", provider_fault=True)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        fault = isinstance(exc, aiosmtplib.SMTPSenderRefused)
        status = _status_for_code(exc.code)
        return SendResult(status, provider, None, None, f"smtp:{exc.code}", provider_fault=fault)
    if isinstance(exc, aiosmtplib.SMTPTimeoutError | aiosmtplib.SMTPConnectError | OSError):
        return SendResult("retryable", provider, None, None, f"network:{type(exc).__name__}")
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected):
        return SendResult("retryable", provider, None, None, f"network:{type(exc).__name__}")
    # STARTTLS or AUTH not offered, and the like: our configuration, not the recipient.
    return SendResult("rejected", provider, None, None, f"smtp:{type(exc).__name__}", provider_fault=True)


class SmtpEmailSender:
    """Submits e-mail to an SMTP server."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self.name = config.name

    async def send_email(self, to: str, subject: str, body: str) -> SendResult:
        """Send one e-mail; never raises for server or network failures."""
        message = build_message(self.config, to, subject, body)
        cfg = self.config
        try:
            await aiosmtplib.send(
                message,
                hostname=cfg.host,
                port=cfg.port,
                username=cfg.username,
                password=cfg.password,
                use_tls=cfg.use_tls,
                start_tls=cfg.start_tls_flag,
                validate_certs=cfg.validate_certs,
                timeout=cfg.timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            result = classify_smtp_error(self.name, exc)
            logger.warning("e-mail not accepted", extra={"provider": self.name, "error": result.error})
            return result
        logger.info("e-mail accepted", extra={"provider": self.name})
        return SendResult("accepted", self.name, message["Message-ID"], None, None)


class EmailRouter:
    """E-mail under the same retry policy as SMS: retry 4xx replies and network trouble, then fail."""

    def __init__(self, sender: EmailSender, *, policy: RetryPolicy | None = None, sleep: Sleep = asyncio.sleep,
                 rng: random.Random | None = None) -> None:
        self.sender = sender
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()

    async def send(self, to: str, subject: str, body: str) -> RouteResult:
        """Send one e-mail; never raises for server or network failures."""
        attempts: list[Attempt] = []
        number = 0
        while True:
            number += 1
            result = await self.sender.send_email(to, subject, body)
            attempts.append(Attempt(result.provider, number, result.status, result.http_status, result.error))
            decision = decide(result.status, number, self.policy)
            if decision == "retry":
                await self._sleep(backoff_delay(number, self.policy, self._rng))
                continue
            if result.status == "accepted":
                return RouteResult("accepted", result.provider, result.provider_message_id, tuple(attempts))
            return RouteResult("failed", result.provider, None, tuple(attempts), result.error)
