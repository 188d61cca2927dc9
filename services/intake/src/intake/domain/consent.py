"""A victim's consent, per purpose: legal support, notifications, sharing, anonymised statistics."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints
from servicekit.errors import InvalidInput
from servicekit.organisations import require_organisation
from servicekit.safe_hours import DEFAULT_SAFE_HOURS_END, DEFAULT_SAFE_HOURS_START

from .incident_facts import Frozen

Channel = Literal["sms", "email"]
Language = Literal["fr", "bm", "en"]
SAFE_TIME = r"^([01]\d|2[0-3]):[0-5]\d$"
ORGANISATION_CODE = r"^[a-z0-9][a-z0-9-]{1,62}$"
OrganisationCode = Annotated[str, StringConstraints(pattern=ORGANISATION_CODE)]


class NotificationPreferences(Frozen):
    """How and when a victim may be contacted (times are Africa/Bamako local time)."""

    channel: Channel = Field(default="sms", description="sms or email")
    language: Language = Field(default="fr", description="fr (French), bm (Bambara) or en (English)")
    safe_hours_start: str = Field(default=DEFAULT_SAFE_HOURS_START, pattern=SAFE_TIME,
                                  description="Start of the daily window when contact is safe, HH:MM Bamako time")
    safe_hours_end: str = Field(default=DEFAULT_SAFE_HOURS_END, pattern=SAFE_TIME,
                                description="End of that window, HH:MM Bamako time (may wrap past midnight)")
    shared_phone: bool = Field(default=False,
                               description="The phone is shared: messages must use generic wording")


class NotificationConsent(NotificationPreferences):
    """Consent to be notified, with the preferences that apply."""

    granted: bool = Field(default=False, description="Whether the victim agreed to receive notifications")


class Consent(Frozen):
    """The victim's consent for each purpose."""

    legal_support: bool = Field(default=False, description="Referral to legal support (lawyers) is allowed")
    notifications: NotificationConsent = Field(default_factory=NotificationConsent,
                                               description="Notifications consent and preferences")
    sharing: list[OrganisationCode] = Field(
        default_factory=list, max_length=20,
        description="Organisations the victim's file may be shared with (GET /vocabularies/organisations); a "
                    "referral goes only to a legal-aid organisation named here")
    statistics: bool = Field(default=False, description="Anonymised statistics may count this victim")


def check_consent(consent: Consent, *, has_phone: bool, has_email: bool) -> Consent:
    """A coherent consent (a reachable channel, a real window, known organisations), sharing sorted and deduplicated."""
    for index, code in enumerate(consent.sharing):
        require_organisation(code, field=f"consent.sharing.{index}")
    prefs = consent.notifications
    if prefs.safe_hours_start == prefs.safe_hours_end:
        raise InvalidInput("safe_window_empty", field="consent.notifications.safe_hours_end")
    if prefs.granted and prefs.channel == "sms" and not has_phone:
        raise InvalidInput("sms_needs_phone", field="consent.notifications.channel")
    if prefs.granted and prefs.channel == "email" and not has_email:
        raise InvalidInput("email_needs_address", field="consent.notifications.channel")
    return consent.model_copy(update={"sharing": sorted(set(consent.sharing))})
