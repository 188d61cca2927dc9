"""Victim rules: registration, consent versions, referral only with consent, erasure; sealed identities."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from intake.domain.access import Viewer
from intake.domain.consent import Consent
from intake.domain.errors import Gone
from intake.domain.victim import VICTIM, VictimConsentChanged, VictimRegistered
from intake.domain.victim_rules import Profile, SealedContacts, change_consent, erase, refer, register
from intake.identities import VictimIdentity, open_identity, seal_identity
from servicekit.crypto import DecryptionError, decrypt_field, generate_data_key
from servicekit.errors import Conflict, InvalidInput, NotFound

MONITOR = Viewer.of("org-amdh", {"monitor"})
PROFILE = Profile(sex="female", age_band="18-24", region="mopti")
WITH_PHONE = SealedContacts(phone="v1.x.y", email=None)
NOW = datetime(2025, 6, 15, tzinfo=UTC)


def consent(**fields) -> Consent:
    return Consent.model_validate(fields)


def registered(**consent_fields):
    events = register(None, victim_id="victim-1", organisation="org-amdh", profile=PROFILE, contacts=WITH_PHONE,
                      consent=consent(**consent_fields))
    return VICTIM.fold("victim-1", None, events)


def test_registration_announces_the_victim_and_the_first_consent_version():
    registration, first_consent = register(None, victim_id="victim-1", organisation="org-amdh", profile=PROFILE,
                                           contacts=WITH_PHONE, consent=consent(legal_support=True))
    assert isinstance(registration, VictimRegistered) and registration.phone_ciphertext == "v1.x.y"
    assert isinstance(first_consent, VictimConsentChanged)
    assert (first_consent.version, first_consent.legal_support) == (1, True)


def test_email_notifications_need_an_email_address():
    with pytest.raises(InvalidInput) as refused:
        registered(notifications={"granted": True, "channel": "email"})
    assert refused.value.field == "consent.notifications.channel"


def test_an_empty_safe_window_is_refused():
    with pytest.raises(InvalidInput) as refused:
        registered(notifications={"safe_hours_start": "09:00", "safe_hours_end": "09:00"})
    assert refused.value.field == "consent.notifications.safe_hours_end"


def test_a_consent_change_is_the_next_version_and_sharing_is_deduplicated():
    victim = registered()
    [event] = change_consent(victim, viewer=MONITOR, consent=consent(sharing=["org-wildaf", "org-fidh", "org-wildaf"]))
    assert (event.version, event.sharing) == (2, ["org-fidh", "org-wildaf"])


def test_sharing_with_an_organisation_outside_the_vocabulary_is_refused_naming_its_position():
    with pytest.raises(InvalidInput) as refused:
        change_consent(registered(), viewer=MONITOR, consent=consent(sharing=["org-legal", "org-nowhere"]))
    assert refused.value.field == "consent.sharing.1"


def test_the_same_consent_again_is_no_change():
    victim = registered(statistics=True)
    assert change_consent(victim, viewer=MONITOR, consent=consent(statistics=True)) == []


def test_referral_without_legal_support_consent_is_a_conflict_on_that_consent():
    with pytest.raises(Conflict) as refused:
        refer(registered(sharing=["org-legal"]), viewer=MONITOR, referral_id="r-1", needs=["legal_advice"],
              urgency="low", incident_ids=[], receiving_organisation="org-legal", name_ciphertext=None)
    assert refused.value.field == "consent.legal_support"


def test_referral_with_consent_names_the_referring_and_the_receiving_organisation():
    [event] = refer(registered(legal_support=True, sharing=["org-legal"]), viewer=MONITOR, referral_id="r-1",
                    needs=["psychosocial_support", "legal_advice"], urgency="critical", incident_ids=["i-2", "i-1"],
                    receiving_organisation="org-legal", name_ciphertext="v1.n.c")
    assert (event.referring_organisation, event.receiving_organisation) == ("org-amdh", "org-legal")
    assert event.needs == ["legal_advice", "psychosocial_support"]
    assert event.incident_ids == ["i-1", "i-2"] and event.name_ciphertext == "v1.n.c"


def test_referral_to_an_organisation_the_victim_did_not_consent_to_share_with_is_a_conflict():
    with pytest.raises(Conflict) as refused:
        refer(registered(legal_support=True, sharing=["org-legal"]), viewer=MONITOR, referral_id="r-1",
              needs=["legal_advice"], urgency="low", incident_ids=[], receiving_organisation="org-wildaf",
              name_ciphertext=None)
    assert refused.value.field == "receiving_organisation"
    assert refused.value.extra["allowed"] == ["org-legal"]


@pytest.mark.parametrize("addressee", ["org-nowhere", "org-fidh"])
def test_referral_to_an_unknown_or_not_legal_aid_organisation_is_invalid(addressee):
    with pytest.raises(InvalidInput) as refused:
        refer(registered(legal_support=True, sharing=["org-legal", "org-fidh"]), viewer=MONITOR, referral_id="r-1",
              needs=["legal_advice"], urgency="low", incident_ids=[], receiving_organisation=addressee,
              name_ciphertext=None)
    assert refused.value.field == "receiving_organisation"


def test_another_organisation_may_not_refer():
    with pytest.raises(NotFound):
        refer(registered(legal_support=True, sharing=["org-legal"]), viewer=Viewer.of("org-other", {"monitor"}),
              referral_id="r-1", needs=["legal_advice"], urgency="low", incident_ids=[],
              receiving_organisation="org-legal", name_ciphertext=None)


def test_erasure_withdraws_every_consent_and_refuses_later_changes():
    victim = VICTIM.fold("victim-1", registered(legal_support=True),
                         erase(registered(legal_support=True), viewer=MONITOR, reason="consent_withdrawn", at=NOW))
    assert victim.erased and victim.consent == Consent() and not victim.has_phone
    with pytest.raises(Gone):
        change_consent(victim, viewer=MONITOR, consent=consent(legal_support=True))


def test_erasing_an_erased_victim_changes_nothing():
    victim = registered()
    victim = VICTIM.fold("victim-1", victim, erase(victim, viewer=MONITOR, reason="legal_request", at=NOW))
    assert erase(victim, viewer=MONITOR, reason="legal_request", at=NOW) == []


@pytest.mark.parametrize("name", ["Aïssata N'Diaye", "Fatoumata Kɔnɛ", "Ɲɛlɛni Dɔnbɛlɛ", "Mariam Maïga-Touré"])
def test_names_round_trip_exactly_through_encryption(name):
    key = generate_data_key()
    sealed = seal_identity(key, "victim-1", VictimIdentity(name=name, aliases=[name.upper(), "N'Ba"]))
    opened = open_identity(key, "victim-1", sealed)
    assert opened.name == name and opened.aliases == [name.upper(), "N'Ba"]
    assert name not in str(sealed)


def test_a_ciphertext_moved_to_another_field_or_victim_does_not_decrypt():
    key = generate_data_key()
    sealed = seal_identity(key, "victim-1", VictimIdentity(name="Awa", phone="+223 70 00 00 00"))
    with pytest.raises(DecryptionError):
        decrypt_field(key, sealed["name"], subject_id="victim-1", field="phone")
    with pytest.raises(DecryptionError):
        decrypt_field(key, sealed["name"], subject_id="victim-2", field="name")
