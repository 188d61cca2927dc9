"""Notify's models of consumed events: only the fields it reads, refusing what can never be processed."""

from __future__ import annotations

import pytest
from notify.consumed import CaseStageChangedV1, HearingV1, VictimConsentChangedV1, VictimRegisteredV1
from pydantic import ValidationError

REGISTERED = {  # as intake publishes it (services/intake/contracts/events/intake.victim.registered.v1.json)
    "victim_id": "v-1", "organisation": "org-amdh", "sex": "female", "age_band": "25-39", "region": "mopti",
    "notifications": {"channel": "sms", "language": "bm", "safe_hours_start": "09:00", "safe_hours_end": "18:00",
                      "shared_phone": True},
    "phone_ciphertext": "v1.a.b", "email_ciphertext": None}


def test_registration_reads_the_preferences_and_contact_and_ignores_the_rest() -> None:
    event = VictimRegisteredV1.model_validate(REGISTERED)
    assert event.notifications.as_update() == {"channel": "sms", "language": "bm", "safe_hours_start": "09:00",
                                               "safe_hours_end": "18:00", "shared_phone": True}
    assert (event.phone_ciphertext, event.email_ciphertext) == ("v1.a.b", None)


def test_consent_change_reads_the_grant_with_its_preferences() -> None:
    event = VictimConsentChangedV1.model_validate({
        "victim_id": "v-1", "version": 2, "legal_support": True, "sharing": [], "statistics": True,
        "notifications": {"granted": False, "channel": "email", "language": "fr", "safe_hours_start": "08:00",
                          "safe_hours_end": "18:00", "shared_phone": False}})
    assert (event.notifications.granted, event.notifications.channel, event.version) == (False, "email", 2)


def test_consent_change_needs_its_version() -> None:
    with pytest.raises(ValidationError):
        VictimConsentChangedV1.model_validate({"victim_id": "v-1", "notifications": {"granted": True}})


@pytest.mark.parametrize("victim_id", ["", "a b", "x" * 81, "v-1\n"])
def test_malformed_ids_are_refused(victim_id: str) -> None:
    with pytest.raises(ValidationError):
        VictimRegisteredV1.model_validate({**REGISTERED, "victim_id": victim_id})


def test_hearing_time_must_carry_its_offset() -> None:
    with pytest.raises(ValidationError):
        HearingV1.model_validate({"hearing_id": "h-1", "starts_at": "2025-03-10T09:00:00", "victim_ids": ["v-1"]})


def test_hearing_reads_casework_fields() -> None:
    event = HearingV1.model_validate({
        "hearing_id": "h-1", "case_id": "c-1", "victim_ids": ["v-1"], "court_code": "tgi-mopti",
        "court_name": "Tribunal de grande instance de Mopti", "city": "Mopti",
        "starts_at": "2025-03-20T09:30:00+00:00", "purpose": "trial"})
    assert (event.court, event.city, event.starts_at.hour) == ("Tribunal de grande instance de Mopti", "Mopti", 9)


def test_stage_change_reads_victims_and_target_stage() -> None:
    event = CaseStageChangedV1.model_validate({"case_id": "c-1", "victim_ids": ["v-1", "v-2"], "from_stage": "a",
                                               "to_stage": "trial"})
    assert (event.victim_ids, event.to_stage) == (["v-1", "v-2"], "trial")
