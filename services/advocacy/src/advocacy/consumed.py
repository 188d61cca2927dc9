"""Advocacy's own copies of the fields it reads from other services' events (unknown fields ignored).

Each model keeps only what an indicator counts. Victim ids are read here only to be turned into
one-way keys at once (see projectors.py); names, contacts and narratives are never modelled, so
they cannot be stored even if a producer sent them.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator


class Consumed(BaseModel):
    """Base of consumed-event models: read what we need, ignore the rest."""

    model_config = ConfigDict(extra="ignore")


def _day(value: object) -> object:
    """Accept a date or a timestamp where a day is meant (producers differ)."""
    if isinstance(value, str) and "T" in value:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    if isinstance(value, datetime):
        return value.date()
    return value


class PerpetratorRef(Consumed):
    """One alleged perpetrator of an incident: only the category is counted."""

    category: str = Field(validation_alias=AliasChoices("category", "perpetrator_category"))


def _region(value: object) -> object:
    # Intake codes locations as paths ("segou/niono/..."): indicators count by region only.
    return value.split("/", 1)[0] if isinstance(value, str) else value


class ActRef(Consumed):
    """One act of an incident: only its perpetrators' categories are read (never its victims)."""

    perpetrators: list[PerpetratorRef] = Field(default_factory=list)


class IncidentDocumentedV1(Consumed):
    """intake.incident.documented.v1"""

    occurred_on: date
    region: str
    violation_types: list[str] = Field(min_length=1)
    perpetrator_categories: list[str] = Field(default_factory=list)
    acts: list[ActRef] = Field(default_factory=list)
    verification_status: str = "unverified"

    _day = field_validator("occurred_on", mode="before")(_day)
    _reg = field_validator("region", mode="before")(_region)

    def categories(self) -> list[str]:
        """Perpetrator categories named on the incident or on any of its acts."""
        return sorted({*self.perpetrator_categories, *(p.category for a in self.acts for p in a.perpetrators)})


class IncidentUpdatedV1(Consumed):
    """intake.incident.updated.v1: the incident's facts after the update (absent ones unchanged)."""

    occurred_on: date | None = None
    region: str | None = None
    violation_types: list[str] | None = None
    perpetrator_categories: list[str] | None = None
    acts: list[ActRef] | None = None

    _day = field_validator("occurred_on", mode="before")(_day)
    _reg = field_validator("region", mode="before")(_region)

    def categories(self) -> list[str] | None:
        """Perpetrator categories after the update, None when the update does not say."""
        if self.perpetrator_categories is None and self.acts is None:
            return None
        acts = self.acts or []
        return sorted({*(self.perpetrator_categories or []), *(p.category for a in acts for p in a.perpetrators)})


class IncidentVerificationChangedV1(Consumed):
    """intake.incident.verification_changed.v1"""

    status: str = Field(validation_alias=AliasChoices("to_status", "status", "verification_status"))


class VictimRegisteredV1(Consumed):
    """intake.victim.registered.v1: the demographic bands that indicators count, nothing else."""

    victim_id: str | None = None
    sex: str | None = None
    age_band: str | None = None
    region: str | None = None

    _reg = field_validator("region", mode="before")(_region)


class VictimReferredV1(Consumed):
    """intake.victim.referred.v1"""

    victim_id: str | None = None
    referral_id: str | None = None
    referred_on: date | None = Field(default=None, validation_alias=AliasChoices("referred_on", "referred_at", "at"))
    sex: str | None = None
    age_band: str | None = None
    region: str | None = None

    _day = field_validator("referred_on", mode="before")(_day)
    _reg = field_validator("region", mode="before")(_region)


class VictimConsentChangedV1(Consumed):
    """intake.victim.consent_changed.v1: only the anonymised-statistics purpose matters here."""

    victim_id: str | None = None
    purpose: str
    granted: bool


class VictimErasedV1(Consumed):
    """intake.victim.erased.v1"""

    victim_id: str | None = None


class CaseOpenedV1(Consumed):
    """casework.case.opened.v1"""

    referral_id: str | None = None
    victim_id: str | None = None
    opened_on: date = Field(validation_alias=AliasChoices("opened_on", "opened_at", "at"))
    stage: str | None = None

    _day = field_validator("opened_on", mode="before")(_day)


class CaseStageChangedV1(Consumed):
    """casework.case.stage_changed.v1"""

    track: str = "domestic"
    from_stage: str | None = None
    to_stage: str
    at: date = Field(validation_alias=AliasChoices("at", "changed_on", "changed_at", "on"))

    _day = field_validator("at", mode="before")(_day)


class CaseClosedV1(Consumed):
    """casework.case.closed.v1"""

    reason: str | None = Field(default=None, validation_alias=AliasChoices("reason", "closure_reason", "outcome"))
    at: date = Field(validation_alias=AliasChoices("at", "closed_on", "closed_at"))

    _day = field_validator("at", mode="before")(_day)


class HearingScheduledV1(Consumed):
    """casework.hearing.scheduled.v1"""

    case_id: str
    scheduled_for: date = Field(validation_alias=AliasChoices("scheduled_for", "scheduled_at", "at", "on"))

    _day = field_validator("scheduled_for", mode="before")(_day)


class HearingRescheduledV1(Consumed):
    """casework.hearing.rescheduled.v1: a postponement."""

    case_id: str
    scheduled_for: date = Field(validation_alias=AliasChoices("scheduled_for", "new_date", "rescheduled_to",
                                                              "scheduled_at", "at"))

    _day = field_validator("scheduled_for", mode="before")(_day)


class HearingHeldV1(Consumed):
    """casework.hearing.held.v1"""

    case_id: str
    held_on: date = Field(validation_alias=AliasChoices("held_on", "held_at", "at", "on"))

    _day = field_validator("held_on", mode="before")(_day)


class HearingCancelledV1(Consumed):
    """casework.hearing.cancelled.v1"""

    case_id: str


class ReparationAwardedV1(Consumed):
    """casework.reparation.awarded.v1: amounts in XOF."""

    case_id: str
    amount_xof: int = Field(ge=0, validation_alias=AliasChoices("amount_xof", "amount"))
    awarded_on: date | None = Field(default=None, validation_alias=AliasChoices("awarded_on", "at", "on"))

    _day = field_validator("awarded_on", mode="before")(_day)


class ReparationPaidV1(Consumed):
    """casework.reparation.paid.v1: amounts in XOF."""

    case_id: str
    amount_xof: int = Field(ge=0, validation_alias=AliasChoices("amount_xof", "amount"))
    paid_on: date | None = Field(default=None, validation_alias=AliasChoices("paid_on", "at", "on"))

    _day = field_validator("paid_on", mode="before")(_day)


# Education's age bands under 25: the youth that human-rights education reaches first.
YOUTH_AGE_BANDS = frozenset({"under_15", "15_17", "18_24"})


class AudienceCell(Consumed):
    """One audience count of an education session."""

    sex: str
    age_band: str
    count: int = Field(ge=0)


class SessionHeldV1(Consumed):
    """education.session.held.v1"""

    held_on: date
    region: str
    audience: list[AudienceCell]

    _reg = field_validator("region", mode="before")(_region)
