"""Notify's own copies of the fields it reads from intake's and casework's events (extra="ignore").

Ids are checked against the audit log's id pattern: a record with a malformed id can never be
processed and goes to the dead-letter topic instead of reaching the store or the audit trail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9:_-]{1,80}$")]


class _Consumed(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class NotificationPreferences(_Consumed):
    """Channel, language, safe hours and shared-phone flag, as intake records them."""

    channel: Literal["sms", "email"] | None = None
    language: str | None = Field(default=None, max_length=16)
    safe_hours_start: str | None = Field(default=None, max_length=5)
    safe_hours_end: str | None = Field(default=None, max_length=5)
    shared_phone: bool | None = None

    def as_update(self) -> dict[str, Any]:
        """The preferences that were given."""
        return self.model_dump(include={"channel", "language", "safe_hours_start", "safe_hours_end", "shared_phone"})


class NotificationConsent(NotificationPreferences):
    """Consent to be notified, with the preferences that apply."""

    granted: bool = False


class VictimRegisteredV1(_Consumed):
    """intake.victim.registered.v1 (consent arrives right after it, in intake.victim.consent_changed.v1)."""

    victim_id: Id
    organisation: str | None = Field(default=None,
                                     description="The organisation that documented her (audit entries name it)")
    notifications: NotificationPreferences = Field(default_factory=NotificationPreferences)
    phone_ciphertext: str | None = Field(default=None, max_length=4096)
    email_ciphertext: str | None = Field(default=None, max_length=4096)


class VictimConsentChangedV1(_Consumed):
    """intake.victim.consent_changed.v1 (the whole current consent, versioned)."""

    victim_id: Id
    version: int = Field(ge=1)
    notifications: NotificationConsent


class VictimErasedV1(_Consumed):
    """intake.victim.erased.v1"""

    victim_id: Id


class ReferralAcceptedV1(_Consumed):
    """casework.referral.accepted.v1"""

    victim_id: Id
    case_id: Id


class CaseVictimRemovedV1(_Consumed):
    """casework.case.victim_removed.v1"""

    case_id: Id
    victim_id: Id
    reason: Literal["consent_withdrawn", "victim_erased"]


class CaseStageChangedV1(_Consumed):
    """casework.case.stage_changed.v1"""

    case_id: Id
    victim_ids: list[Id] = Field(default_factory=list, max_length=500)
    to_stage: str = Field(max_length=80)


class HearingV1(_Consumed):
    """casework.hearing.scheduled.v1 and casework.hearing.rescheduled.v1"""

    hearing_id: Id
    case_id: Id | None = None
    victim_ids: list[Id] = Field(default_factory=list, max_length=500)
    starts_at: datetime
    court_code: str = Field(default="", max_length=80)
    court: str = Field(default="", max_length=120, validation_alias=AliasChoices("court", "court_name"))
    city: str = Field(default="", max_length=80, validation_alias=AliasChoices("city", "court_city"))

    @model_validator(mode="after")
    def _aware(self) -> HearingV1:
        if self.starts_at.tzinfo is None:
            raise ValueError("starts_at must carry its UTC offset")
        return self


class HearingCancelledV1(_Consumed):
    """casework.hearing.cancelled.v1"""

    hearing_id: Id
    case_id: Id | None = None
    victim_ids: list[Id] = Field(default_factory=list, max_length=500)
    starts_at: datetime | None = None
    court_code: str = Field(default="", max_length=80)
    court: str = Field(default="", max_length=120, validation_alias=AliasChoices("court", "court_name"))
    city: str = Field(default="", max_length=80, validation_alias=AliasChoices("city", "court_city"))
