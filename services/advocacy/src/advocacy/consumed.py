"""Advocacy's own copies of the fields it reads from other services' events (unknown fields ignored).

Each model keeps only what an indicator counts. Victim ids are read here only to be turned into
one-way keys at once (see projections/recorders.py); names, contacts and narratives are never modelled, so
they cannot be stored even if a producer sent them.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator


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

    category: str


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

    status: str


class VictimRegisteredV1(Consumed):
    """intake.victim.registered.v1: the demographic bands that indicators count, nothing else."""

    victim_id: str
    sex: str = "unknown"
    age_band: str = "unknown"
    region: str | None = None

    _reg = field_validator("region", mode="before")(_region)


class VictimReferredV1(Consumed):
    """intake.victim.referred.v1: who was referred (bands come from the registration)."""

    victim_id: str
    referral_id: str


class VictimConsentChangedV1(Consumed):
    """intake.victim.consent_changed.v1: only consent to anonymised statistics matters here."""

    victim_id: str
    statistics: bool


class VictimErasedV1(Consumed):
    """intake.victim.erased.v1"""

    victim_id: str


class CaseOpenedV1(Consumed):
    """casework.case.opened.v1"""

    referral_id: str | None = None
    victim_ids: list[str] = Field(default_factory=list)
    opened_on: date
    stage: str | None = None


class CaseVictimJoinedV1(Consumed):
    """casework.case.victim_joined.v1"""

    victim_id: str


class CaseStageChangedV1(Consumed):
    """casework.case.stage_changed.v1"""

    track: str = "domestic"
    from_stage: str | None = None
    to_stage: str
    effective_on: date

    _day = field_validator("effective_on", mode="before")(_day)


class CaseClosedV1(Consumed):
    """casework.case.closed.v1"""

    closure_reason: str | None = None
    closed_on: date

    _day = field_validator("closed_on", mode="before")(_day)


class HearingV1(Consumed):
    """casework.hearing.scheduled/held/cancelled.v1: the case and the date of the sitting."""

    case_id: str
    starts_at: date

    _day = field_validator("starts_at", mode="before")(_day)


class HearingRescheduledV1(HearingV1):
    """casework.hearing.rescheduled.v1: a postponement from one sitting date to another."""

    previous_starts_at: date

    _prev = field_validator("previous_starts_at", mode="before")(_day)


class ReparationAwardedV1(Consumed):
    """casework.reparation.awarded.v1: amounts in whole XOF (none for a non-monetary measure)."""

    case_id: str
    measure: str
    amount_xof: int | None = Field(default=None, ge=0)
    awarded_on: date


class ReparationPaidV1(Consumed):
    """casework.reparation.paid.v1: the payment status and the total paid so far (XOF)."""

    case_id: str
    payment_status: str
    total_paid_xof: int = Field(ge=0)
    paid_on: date


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
