"""Settings fail fast on nonsense, and channels are built from them without any I/O."""

from __future__ import annotations

import pytest
from notify.channels.setup import build_channels
from notify.config import Settings
from pydantic import ValidationError


def settings(**overrides) -> Settings:
    return Settings(_env_file=None, **overrides)  # type: ignore[call-arg]


def test_nothing_configured_means_no_channel_but_a_valid_service() -> None:
    channels = build_channels(settings())
    assert channels.sms is None and channels.email is None and channels.accounts == ()


def test_reminder_offsets_are_sorted_and_must_be_positive() -> None:
    assert settings(reminder_offsets_hours=[24, 72]).reminder_offsets_hours == [72, 24]
    with pytest.raises(ValidationError):
        settings(reminder_offsets_hours=[24, -1])


def test_a_provider_kind_without_credentials_is_refused() -> None:
    with pytest.raises(ValueError, match="ACCOUNT and _SECRET"):
        build_channels(settings(sms_primary_kind="twilio"))


def test_primary_and_failover_are_routed_in_order_with_distinct_names() -> None:
    channels = build_channels(settings(
        sms_primary_kind="africastalking", sms_primary_account="sandbox", sms_primary_secret="k",
        sms_failover_kind="africastalking", sms_failover_account="other", sms_failover_secret="k2"))
    assert channels.sms is not None
    assert [p.name for p in channels.sms.providers] == ["africastalking", "africastalking-failover"]


def test_only_twilio_gets_a_status_callback_url() -> None:
    channels = build_channels(settings(
        sms_primary_kind="africastalking", sms_primary_account="sandbox", sms_primary_secret="k",
        sms_failover_kind="twilio", sms_failover_account="AC1", sms_failover_secret="t",
        sms_failover_sender="+15005550006", public_base_url="https://notify.example.org/"))
    assert channels.status_callbacks("https://notify.example.org/") == {
        "twilio": "https://notify.example.org/webhooks/twilio/status"}


def test_secrets_never_show_in_the_settings_repr() -> None:
    text = repr(settings(sms_primary_secret="very-secret-key", phone_index_key="index-secret"))
    assert "very-secret-key" not in text and "index-secret" not in text
