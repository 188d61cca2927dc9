"""Channels built from settings: the SMS router (primary, failover) and the e-mail sender, if configured."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Literal

import httpx

from notify.channels import SmsSender
from notify.channels.email import EmailRouter, SmtpConfig, SmtpEmailSender
from notify.channels.sms_africastalking import DEFAULT_BASE_URL as AT_BASE_URL
from notify.channels.sms_africastalking import AfricasTalkingConfig, AfricasTalkingSms
from notify.channels.sms_router import Sleep, SmsRouter
from notify.channels.sms_twilio import DEFAULT_BASE_URL as TWILIO_BASE_URL
from notify.channels.sms_twilio import TwilioConfig, TwilioSms
from notify.config import ProviderKind, Settings
from notify.domain.retry import RetryPolicy, TokenBucket

TWILIO_STATUS_PATH = "/webhooks/twilio/status"


@dataclass(frozen=True, slots=True)
class ProviderAccount:
    """One configured SMS provider account, as webhooks and health reports need it."""

    name: str
    kind: ProviderKind
    role: Literal["primary", "failover"]
    secret: str = field(repr=False)


@dataclass(frozen=True)
class Channels:
    """What the dispatcher can send through; None means that channel is not configured."""

    sms: SmsRouter | None
    email: EmailRouter | None
    accounts: tuple[ProviderAccount, ...] = ()
    email_name: str | None = None

    def accounts_of(self, kind: ProviderKind) -> list[ProviderAccount]:
        """The configured accounts of one provider kind."""
        return [account for account in self.accounts if account.kind == kind]

    def status_callbacks(self, public_base_url: str) -> dict[str, str]:
        """Delivery-report URLs per provider (Africa's Talking takes its URL from the dashboard)."""
        url = public_base_url.rstrip("/") + TWILIO_STATUS_PATH
        return {account.name: url for account in self.accounts if account.kind == "twilio"}


def _account(settings: Settings, role: Literal["primary", "failover"], taken: set[str]) -> ProviderAccount | None:
    kind = getattr(settings, f"sms_{role}_kind")
    if kind is None:
        return None
    account, secret = getattr(settings, f"sms_{role}_account"), getattr(settings, f"sms_{role}_secret")
    if not account or secret is None:
        raise ValueError(f"NOTIFY_SMS_{role.upper()}_ACCOUNT and _SECRET are required with a provider kind")
    name = kind if kind not in taken else f"{kind}-{role}"
    return ProviderAccount(name=name, kind=kind, role=role, secret=secret.get_secret_value())


def _adapter(settings: Settings, account: ProviderAccount, http: httpx.AsyncClient) -> SmsSender:
    role = account.role
    base_url = getattr(settings, f"sms_{role}_base_url")
    sender = getattr(settings, f"sms_{role}_sender")
    username = getattr(settings, f"sms_{role}_account")
    if account.kind == "africastalking":
        return AfricasTalkingSms(AfricasTalkingConfig(
            username=username, api_key=account.secret, sender_id=sender, base_url=base_url or AT_BASE_URL,
            timeout=settings.sms_timeout_seconds, name=account.name), http)
    return TwilioSms(TwilioConfig(
        account_sid=username, auth_token=account.secret, from_number=sender,
        base_url=base_url or TWILIO_BASE_URL, timeout=settings.sms_timeout_seconds, name=account.name), http)


def retry_policy(settings: Settings) -> RetryPolicy:
    """Attempts per provider and the jittered backoff between them."""
    return RetryPolicy(max_attempts=settings.send_max_attempts, base_delay=settings.retry_base_delay_seconds,
                       max_delay=max(settings.retry_max_delay_seconds, settings.retry_base_delay_seconds))


def _sms_router(settings: Settings, http: httpx.AsyncClient, sleep: Sleep) -> tuple[SmsRouter | None,
                                                                                     tuple[ProviderAccount, ...]]:
    accounts: list[ProviderAccount] = []
    for role in ("primary", "failover"):
        account = _account(settings, role, {a.name for a in accounts})  # type: ignore[arg-type]
        if account is not None:
            accounts.append(account)
    if not accounts:
        return None, ()
    rates = {a.name: getattr(settings, f"sms_{a.role}_rate_per_second") for a in accounts}
    buckets = {name: TokenBucket(rate, max(1.0, rate)) for name, rate in rates.items()}
    router = SmsRouter([_adapter(settings, a, http) for a in accounts], policy=retry_policy(settings),
                       rate_limits=buckets, sleep=sleep)
    return router, tuple(accounts)


def _email_router(settings: Settings, sleep: Sleep) -> EmailRouter | None:
    if not settings.smtp_host or not settings.smtp_from:
        return None
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    config = SmtpConfig(host=settings.smtp_host, port=settings.smtp_port, from_address=settings.smtp_from,
                        starttls=settings.smtp_starttls, use_tls=settings.smtp_use_tls,
                        username=settings.smtp_username, password=password, timeout=settings.smtp_timeout_seconds,
                        validate_certs=settings.smtp_validate_certs,
                        allow_insecure_auth=settings.smtp_allow_insecure_auth)
    return EmailRouter(SmtpEmailSender(config), policy=retry_policy(settings), sleep=sleep)


def build_channels(settings: Settings, *, http: httpx.AsyncClient | None = None,
                   sleep: Sleep = asyncio.sleep) -> Channels:
    """The configured channels (no I/O until the first send)."""
    sms, accounts = _sms_router(settings, http or httpx.AsyncClient(), sleep)
    email = _email_router(settings, sleep)
    return Channels(sms=sms, email=email, accounts=accounts, email_name="smtp" if email else None)
