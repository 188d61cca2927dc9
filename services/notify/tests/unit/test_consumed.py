"""Notify's models of consumed events: only the fields it reads, refusing what can never be processed."""

from __future__ import annotations

import pytest
from notify.consumed import CaseStageChangedV1, HearingV1, VictimConsentChangedV1, VictimRegisteredV1
from pydantic import ValidationError


def test_registration_reads_flat_preferences_and_ignores_other_fields() -> None:
    event = VictimRegisteredV1.model_validate({
        "victim_id": "v-1", "channel": "sms", "language": "bm", "safe_hours_start": "09:00",
        "safe_hours_end": "18:00", "shared_phone": True, "phone_ciphertext": "v1.a.b", "region": "mopti"})
    assert event.as_update() == {"channel": "sms", "language": "bm", "safe_hours_start": "09:00",
                                 "safe_hours_end": "18:00", "shared_phone": True}
    assert event.consents is True


def test_registration_reads_nested_preferences() -> None:
    event = VictimRegisteredV1.model_validate({
        "victim_id": "v-1", "notification_preferences": {"channel": "email", "language": "en"},
        "email_ciphertext": "v1.a.b"})
    assert (event.channel, event.language) == ("email", "en")


def test_registration_without_preferences_or_consent_does_not_consent() -> None:
    assert VictimRegisteredV1.model_validate({"victim_id": "v-1"}).consents is False


def test_explicit_refusal_wins_over_preferences() -> None:
    event = VictimRegisteredV1.model_validate({"victim_id": "v-1", "channel": "sms", "notifications": False})
    assert event.consents is False


def test_consent_change_needs_its_version() -> None:
    with pytest.raises(ValidationError):
        VictimConsentChangedV1.model_validate({"victim_id": "v-1", "notifications": True})


@pytest.mark.parametrize("victim_id", ["", "a b", "x" * 81, "v-1\n"])
def test_malformed_ids_are_refused(victim_id: str) -> None:
    with pytest.raises(ValidationError):
        VictimRegisteredV1.model_validate({"victim_id": victim_id})


def test_hearing_time_must_carry_its_offset() -> None:
    with pytest.raises(ValidationError):
        HearingV1.model_validate({"hearing_id": "h-1", "starts_at": "2025-03-10T09:00:00", "victim_ids": ["v-1"]})


def test_hearing_accepts_court_name_alias() -> None:
    event = HearingV1.model_validate({"hearing_id": "h-1", "starts_at": "2025-03-10T09:00:00+00:00",
                                      "court_name": "Tribunal de Kati", "city": "Kati"})
    assert event.court == "Tribunal de Kati"


def test_stage_change_reads_victims_and_target_stage() -> None:
    event = CaseStageChangedV1.model_validate({"case_id": "c-1", "victim_ids": ["v-1", "v-2"], "from_stage": "a",
                                               "to_stage": "trial"})
    assert (event.victim_ids, event.to_stage) == (["v-1", "v-2"], "trial")
