"""The victim aggregate: a pseudonymous id, statistics in clear, consent, referrals; identity only as ciphertext.

Names, aliases, phone, e-mail, address and narrative never enter this state: intake keeps their
ciphertexts (under the victim's data key) in its identity store. Events carry only the ciphertexts
another service needs (contact for notify, name for a lawyer), so erasing the key shreds every copy.
A referral belongs to the victim aggregate so that the consent check and the referral commit are
decided against the same version: a concurrent consent withdrawal makes one of them retry.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field
from servicekit.domain import AggregateState, AggregateType, DomainEvent

from .consent import Consent, NotificationConsent, NotificationPreferences

Sex = Literal["female", "male", "other", "unknown"]
AgeBand = Literal["0-4", "5-11", "12-17", "18-24", "25-39", "40-59", "60+", "unknown"]
Need = Literal["legal_representation", "legal_advice", "civil_party_filing", "reparations_claim",
               "psychosocial_support", "medical_care", "protection", "documentation_assistance"]
Urgency = Literal["low", "medium", "high", "critical"]
ErasureReason = Literal["consent_withdrawn", "legal_request", "data_minimisation", "duplicate_record", "other"]


class VictimRegistered(DomainEvent):
    """A victim was registered; contact details travel only as ciphertext under the victim's data key."""

    event_type: ClassVar[str] = "intake.victim.registered.v1"
    classification: ClassVar[str] = "confidential"

    victim_id: str = Field(description="Random pseudonymous id of the victim (also the event subject)")
    organisation: str = Field(description="Registering organisation (its code)")
    sex: Sex = Field(description="Sex, for disaggregated statistics")
    age_band: AgeBand = Field(description="Age band at the time of the violation, for statistics")
    region: str = Field(description="Region code of residence (intake region vocabulary)")
    notifications: NotificationPreferences = Field(description="Channel, language, safe hours, shared phone")
    phone_ciphertext: str | None = Field(
        default=None, description="Phone number encrypted under the victim's data key (AAD victim id + 'phone')")
    email_ciphertext: str | None = Field(
        default=None, description="E-mail address encrypted under the victim's data key (AAD victim id + 'email')")


class VictimConsentChanged(DomainEvent):
    """The victim's consent changed (or was first recorded); carries the whole current consent."""

    event_type: ClassVar[str] = "intake.victim.consent_changed.v1"
    classification: ClassVar[str] = "internal"

    victim_id: str = Field(description="Pseudonymous id of the victim")
    version: int = Field(ge=1, description="Consent version, 1 at registration, +1 on every change")
    legal_support: bool = Field(description="Referral to legal support is allowed")
    notifications: NotificationConsent = Field(description="Notifications consent and preferences")
    sharing: list[str] = Field(description="Organisations the victim's file may be shared with")
    statistics: bool = Field(description="Anonymised statistics may count this victim")


class VictimReferred(DomainEvent):
    """A consenting victim was referred to legal support; the name travels only as ciphertext."""

    event_type: ClassVar[str] = "intake.victim.referred.v1"
    classification: ClassVar[str] = "confidential"

    referral_id: str = Field(description="Id of the referral")
    victim_id: str = Field(description="Pseudonymous id of the victim")
    needs: list[Need] = Field(description="What the victim needs")
    urgency: Urgency = Field(description="How urgent the referral is")
    incident_ids: list[str] = Field(description="Incidents the referral concerns")
    referring_organisation: str = Field(description="Organisation that refers the victim")
    receiving_organisation: str | None = Field(
        default=None, description="Legal-aid organisation the referral is addressed to, one the victim consented "
                                  "to share with (organisations vocabulary); absent on referrals made before "
                                  "referrals had an addressee")
    name_ciphertext: str | None = Field(
        default=None, description="Victim's name encrypted under the data key (AAD victim id + 'name'); "
                                  "readable through intake's key release for legal_support")


class VictimErased(DomainEvent):
    """The victim's identifying data and data key were destroyed (crypto-shredding); no PII here."""

    event_type: ClassVar[str] = "intake.victim.erased.v1"
    classification: ClassVar[str] = "internal"

    victim_id: str = Field(description="Pseudonymous id of the erased victim")
    reason: ErasureReason = Field(description="Category of the erasure request")
    erased_at: datetime = Field(description="When the erasure took effect (UTC)")


class Referral(BaseModel):
    """A referral as the victim's state remembers it."""

    model_config = ConfigDict(extra="ignore")

    referral_id: str
    needs: list[Need]
    urgency: Urgency
    incident_ids: list[str]
    referring_organisation: str
    receiving_organisation: str | None = None


class Victim(AggregateState):
    """Current state of a victim (the projection document): nothing identifying."""

    organisation: str
    sex: Sex
    age_band: AgeBand
    region: str
    has_phone: bool = False
    has_email: bool = False
    consent: Consent = Field(default_factory=Consent)
    consent_version: int = 0
    referrals: list[Referral] = Field(default_factory=list)
    erased: bool = False
    erased_at: datetime | None = None
    erasure_reason: ErasureReason | None = None


def evolve(state: Victim | None, event: DomainEvent) -> Victim:
    """Apply one event to a victim."""
    match event:
        case VictimRegistered():
            return Victim(id=event.victim_id, organisation=event.organisation, sex=event.sex,
                          age_band=event.age_band, region=event.region,
                          has_phone=event.phone_ciphertext is not None, has_email=event.email_ciphertext is not None,
                          consent=Consent(notifications=NotificationConsent(**event.notifications.model_dump())))
        case VictimConsentChanged() if state is not None:
            consent = Consent(legal_support=event.legal_support, notifications=event.notifications,
                              sharing=event.sharing, statistics=event.statistics)
            return state.model_copy(update={"consent": consent, "consent_version": event.version})
        case VictimReferred() if state is not None:
            referral = Referral.model_validate(event.model_dump())
            return state.model_copy(update={"referrals": [*state.referrals, referral]})
        case VictimErased() if state is not None:
            return state.model_copy(update={"erased": True, "erased_at": event.erased_at,
                                            "erasure_reason": event.reason, "consent": Consent(),
                                            "has_phone": False, "has_email": False})
    raise ValueError(f"victim cannot apply {type(event).__name__}")


VICTIM = AggregateType(
    name="victim", topic="intake.victims", collection="victims", state_type=Victim,
    events=(VictimRegistered, VictimConsentChanged, VictimReferred, VictimErased), evolve=evolve,
)
