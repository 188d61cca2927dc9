"""Notify settings: env prefix NOTIFY_.

Secrets have no defaults. With no SMS provider, no SMTP server or no callback phone configured the
service still starts: deliveries that need the missing piece wait in the queue (`pending`) and go
out once it is configured, nothing is dropped.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict
from servicekit.settings import BaseServiceSettings

ProviderKind = Literal["africastalking", "twilio"]


class Settings(BaseServiceSettings):
    """Settings of the notification service."""

    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore", frozen=True)

    service_name: str = "notify"
    http_port: int = Field(default=8005, description="API port")
    public_base_url: str = Field(default="http://127.0.0.1:8005",
                                 description="How providers reach this API (Twilio status callbacks, signatures)")

    # SMS: a primary and an optional failover provider.
    sms_primary_kind: ProviderKind | None = Field(default=None, description="africastalking or twilio; unset = no SMS")
    sms_primary_base_url: str | None = Field(default=None, description="Provider API root; None = the real one")
    sms_primary_account: str | None = Field(default=None, description="Africa's Talking username / Twilio SID")
    sms_primary_secret: SecretStr | None = Field(default=None, description="AT API key / Twilio auth token")
    sms_primary_sender: str | None = Field(default=None, description="AT sender id / Twilio From number")
    sms_primary_rate_per_second: float = Field(default=5.0, gt=0, description="Token-bucket rate of the primary")
    sms_failover_kind: ProviderKind | None = Field(default=None, description="Provider tried when the primary fails")
    sms_failover_base_url: str | None = Field(default=None, description="Failover API root; None = the real one")
    sms_failover_account: str | None = Field(default=None, description="Failover username / account SID")
    sms_failover_secret: SecretStr | None = Field(default=None, description="Failover API key / auth token")
    sms_failover_sender: str | None = Field(default=None, description="Failover sender id / From number")
    sms_failover_rate_per_second: float = Field(default=5.0, gt=0, description="Token-bucket rate of the failover")
    sms_timeout_seconds: float = Field(default=10.0, gt=0, le=60, description="Per-call gateway timeout")

    # E-mail.
    smtp_host: str | None = Field(default=None, description="SMTP server; unset = no e-mail")
    smtp_port: int = Field(default=587, ge=1, le=65535, description="SMTP port")
    smtp_from: str | None = Field(default=None, description="Sender address (a neutral mailbox)")
    smtp_starttls: Literal["required", "optional", "off"] = Field(default="required", description="STARTTLS policy")
    smtp_use_tls: bool = Field(default=False, description="Implicit TLS (port 465) instead of STARTTLS")
    smtp_username: str | None = Field(default=None, description="SMTP AUTH user, if any")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP AUTH password")
    smtp_allow_insecure_auth: bool = Field(default=False, description="Allow AUTH without guaranteed TLS")
    smtp_validate_certs: bool = Field(default=True, description="Verify the server certificate")
    smtp_timeout_seconds: float = Field(default=30.0, gt=0, le=120, description="SMTP timeout")

    # Retries: per provider, only on 5xx, 429 and a connection that never opened. A timeout after the
    # request left is not retried: the gateway may have the message (the delivery becomes `unknown`).
    send_max_attempts: int = Field(default=3, ge=1, le=10,
                                   description="Calls per provider on 5xx, 429 or no connection")
    retry_base_delay_seconds: float = Field(default=1.0, ge=0, le=60, description="First backoff (jittered)")
    retry_max_delay_seconds: float = Field(default=30.0, ge=0, le=600, description="Longest backoff")

    # What victims hear about, and when.
    reminder_offsets_hours: list[int] = Field(default=[72, 24], description="Reminders before a hearing")
    reminder_min_lead_hours: float = Field(default=2.0, ge=0, description="No reminder closer to the hearing")
    notify_stages: list[str] = Field(
        default=["judicial_investigation", "trial", "judgment", "appeal", "enforcement_reparations", "decision",
                 "closed"],
        description="Case stages a victim is told about (the message itself never names the stage)")
    urgent_kinds: list[str] = Field(default=[], description="Message kinds allowed outside safe hours")
    default_channel: Literal["sms", "email"] = Field(default="sms", description="Channel before preferences are known")
    default_country_code: str = Field(default="223", pattern=r"^[1-9][0-9]{0,2}$",
                                      description="Country code of numbers given without one (sends in E.164, "
                                                  "STOP replies, provider reports)")

    # Shared-phone wording: a neutral sender name and a number to call back.
    org_name: str = Field(default="Service d'information", min_length=1, max_length=60,
                          description="Neutral sender name in messages (shared phones see only this)")
    callback_phone: str | None = Field(default=None, description="Number victims call; unset = nothing sent")

    # Webhooks from providers and the opt-out index.
    callback_token: SecretStr | None = Field(default=None, description="Shared token of AT callback URLs")
    phone_index_key: SecretStr | None = Field(default=None, description="HMAC key of the STOP reply index")

    # The dispatcher.
    dispatcher_poll_seconds: float = Field(default=1.0, gt=0, le=60, description="Queue poll interval")
    dispatcher_batch_size: int = Field(default=50, ge=1, le=1000, description="Due deliveries taken per poll")
    dispatch_stale_after_seconds: float = Field(default=300.0, gt=0,
                                                description="A send without an outcome after this is 'unknown'")
    recipient_wait_hours: float = Field(default=72.0, gt=0,
                                        description="How long a message waits for its recipient's registration")
    reconcile_interval_seconds: float = Field(
        default=60.0, gt=0, le=3600, description="How often unknown deliveries and hearing notices are checked")
    unknown_flag_after_seconds: float = Field(
        default=900.0, ge=0, description="An unknown delivery no provider report settled is flagged after this")
    notice_check_lead_hours: float = Field(
        default=24.0, ge=0, description="Hearing notices are checked this long before the first reminder is due")
    notice_grace_seconds: float = Field(
        default=600.0, ge=0, description="A notice still pending this long after its due time is flagged")
    key_cache_ttl_seconds: float = Field(default=300.0, gt=0, le=3600, description="Data keys kept in memory")

    @field_validator("reminder_offsets_hours")
    @classmethod
    def _offsets(cls, value: list[int]) -> list[int]:
        if any(hours <= 0 for hours in value) or len(set(value)) != len(value):
            raise ValueError("reminder offsets must be distinct positive hours")
        return sorted(value, reverse=True)
