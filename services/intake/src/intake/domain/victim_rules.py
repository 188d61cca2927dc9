"""Decisions on victims: register, change consent, refer to legal support, erase."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from servicekit.domain import DomainEvent
from servicekit.errors import Conflict, NotFound
from servicekit.organisations import LEGAL_AID, is_legal_aid, require_organisation

from .access import Viewer, manages_victim
from .consent import Consent, NotificationPreferences, check_consent
from .errors import Gone
from .terms import check_location
from .victim import (
    AgeBand,
    ErasureReason,
    Need,
    Sex,
    Urgency,
    Victim,
    VictimConsentChanged,
    VictimErased,
    VictimReferred,
    VictimRegistered,
)


@dataclass(frozen=True)
class Profile:
    """What stays in clear, for statistics."""

    sex: Sex
    age_band: AgeBand
    region: str


@dataclass(frozen=True)
class SealedContacts:
    """Contact ciphertexts produced under the victim's data key (None where the victim gave none)."""

    phone: str | None
    email: str | None


def consent_event(victim_id: str, version: int, consent: Consent) -> VictimConsentChanged:
    """The event announcing the whole current consent at a version."""
    return VictimConsentChanged(victim_id=victim_id, version=version, legal_support=consent.legal_support,
                                notifications=consent.notifications, sharing=consent.sharing,
                                statistics=consent.statistics)


def check_registration(profile: Profile, consent: Consent, *, has_phone: bool, has_email: bool) -> Consent:
    """The rules a registration must pass before any key or ciphertext is written."""
    check_location(profile.region, None, None)
    return check_consent(consent, has_phone=has_phone, has_email=has_email)


def register(state: Victim | None, *, victim_id: str, organisation: str, profile: Profile, contacts: SealedContacts,
             consent: Consent) -> list[DomainEvent]:
    """Register a victim: the registration and the first consent version, in one commit."""
    if state is not None:
        raise Conflict("victim_already_registered")
    consent = check_registration(profile, consent, has_phone=contacts.phone is not None,
                                 has_email=contacts.email is not None)
    prefs = NotificationPreferences(**consent.notifications.model_dump(exclude={"granted"}))
    registered = VictimRegistered(victim_id=victim_id, organisation=organisation, sex=profile.sex,
                                  age_band=profile.age_band, region=profile.region, notifications=prefs,
                                  phone_ciphertext=contacts.phone, email_ciphertext=contacts.email)
    return [registered, consent_event(victim_id, 1, consent)]


def change_consent(state: Victim | None, *, viewer: Viewer, consent: Consent) -> list[DomainEvent]:
    """Record new consent as the next version; nothing when it is the same."""
    victim = managed(state, viewer)
    consent = check_consent(consent, has_phone=victim.has_phone, has_email=victim.has_email)
    if consent == victim.consent:
        return []
    return [consent_event(victim.id, victim.consent_version + 1, consent)]


def check_addressee(consent: Consent, organisation: str) -> None:
    """A referral goes to a legal-aid organisation the victim shares with (422 unknown, 409 not consented)."""
    require_organisation(organisation, field="receiving_organisation", kind=LEGAL_AID)
    if organisation not in consent.sharing:
        raise Conflict("sharing_consent_missing", field="receiving_organisation",
                       allowed=[o for o in consent.sharing if is_legal_aid(o)])


def refer(state: Victim | None, *, viewer: Viewer, referral_id: str, needs: list[Need], urgency: Urgency,
          incident_ids: list[str], receiving_organisation: str, name_ciphertext: str | None) -> list[DomainEvent]:
    """Refer to legal support, only with the victim's consent for it and for sharing with the addressee."""
    victim = managed(state, viewer)
    if not victim.consent.legal_support:
        raise Conflict("legal_support_consent_missing", field="consent.legal_support")
    check_addressee(victim.consent, receiving_organisation)
    if any(r.referral_id == referral_id for r in victim.referrals):
        raise Conflict("referral_already_exists")
    assert viewer.organisation is not None
    return [VictimReferred(referral_id=referral_id, victim_id=victim.id, needs=sorted(set(needs)), urgency=urgency,
                           incident_ids=sorted(set(incident_ids)), referring_organisation=viewer.organisation,
                           receiving_organisation=receiving_organisation, name_ciphertext=name_ciphertext)]


def erase(state: Victim | None, *, viewer: Viewer, reason: ErasureReason, at: datetime) -> list[DomainEvent]:
    """Mark the victim erased (the caller destroys key and ciphertexts); erasing twice changes nothing."""
    if state is not None and state.erased and manages_victim(viewer, state.organisation):
        return []
    victim = managed(state, viewer)
    return [VictimErased(victim_id=victim.id, reason=reason, erased_at=at)]


def managed(state: Victim | None, viewer: Viewer) -> Victim:
    """The victim, if the viewer's organisation registered it and it is not erased."""
    if state is None or not manages_victim(viewer, state.organisation):
        raise NotFound("victim_not_found")
    if state.erased:
        raise Gone("victim_erased")
    return state
