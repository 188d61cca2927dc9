"""What notify knows about a victim it may message, and about a hearing it may mention (no I/O).

The contact itself stays encrypted under the victim's data key; only whether one exists is needed
to decide. Hearings are notify's own copy of casework's facts (court, city, start time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import Literal

from .delivery import Channel
from .safe_hours import DEFAULT_WINDOW, SafeWindow
from .wording import place

_HHMM = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")


def parse_hhmm(value: str | None) -> time | None:
    """A local wall-clock time from "HH:MM", or None when absent or malformed."""
    match = _HHMM.match(value or "")
    return time(int(match.group(1)), int(match.group(2))) if match else None


@dataclass(frozen=True, slots=True)
class Recipient:
    """A victim's notification preferences, consent and opt-out state."""

    victim_id: str
    consent: bool
    opted_out: bool
    erased: bool
    channel: Channel
    language: str
    shared_phone: bool
    safe_hours_start: str | None
    safe_hours_end: str | None
    has_phone: bool
    has_email: bool
    consent_version: int = 0

    @property
    def consent_known(self) -> bool:
        """Whether intake's consent event was applied (it follows the registration)."""
        return self.consent_version > 0

    def window(self) -> SafeWindow:
        """The victim's safe window; the project default (servicekit.safe_hours) when theirs is missing or unusable."""
        start, end = parse_hhmm(self.safe_hours_start), parse_hhmm(self.safe_hours_end)
        if start is None or end is None or start == end:
            return DEFAULT_WINDOW
        return SafeWindow(start=start, end=end)

    def has_contact(self, channel: Channel) -> bool:
        """Whether a contact (still encrypted) exists for the channel."""
        return self.has_phone if channel == "sms" else self.has_email


@dataclass(frozen=True, slots=True)
class Hearing:
    """Notify's copy of a hearing; `revision` is the id of the casework event it reflects."""

    hearing_id: str
    case_id: str | None
    starts_at: datetime
    court: str
    city: str
    status: Literal["scheduled", "cancelled"]
    revision: str
    revised_at: datetime
    court_code: str = ""

    def place_in(self, language: str) -> str:
        """Where, as written in a message in `language`: the court (Bambara-aware, else French) and its city."""
        return place(self.court_code, self.court, self.city, language)
