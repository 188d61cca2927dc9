"""Types and rules shared by casework's aggregates (no I/O)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, Field, PlainSerializer
from servicekit.errors import InvalidInput
from servicekit.i18n import rule_error

BAMAKO = ZoneInfo("Africa/Bamako")
# Ids travel as aggregate ids, record keys and audit resource ids: keep them to that safe alphabet.
ID_PATTERN = r"^[A-Za-z0-9_-]{1,80}$"
# Organisation codes of the coalition's vocabulary (servicekit.organisations).
ORGANISATION_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"
# Staff subjects come from the identity provider; the same safe alphabet plus '@', '.' and ':'.
SUBJECT_PATTERN = r"^[A-Za-z0-9@._:-]{1,120}$"
# Planning further ahead than this is a typo (2205 for 2025), not a court calendar.
HORIZON = timedelta(days=3660)


def to_bamako(value: datetime) -> datetime:
    """A date-time in Africa/Bamako, to the second; a naive value is read as Bamako local time."""
    # Proceedings are of our era; a year-1 date would also overflow the zone conversion (Bamako's
    # historical offset is -0:32 before 1912). Far-future typos are refused by the domain rules.
    if value.year < 1900:
        raise rule_error("datetime_too_old")  # a ValueError, catalogued
    value = value.replace(tzinfo=BAMAKO) if value.tzinfo is None else value.astimezone(BAMAKO)
    return value.replace(microsecond=0)


# Serialised as ISO 8601 with an explicit offset ("2026-03-02T09:00:00+00:00"), one format for all,
# so stored strings sort chronologically and consumers read the offset without guessing.
BamakoDateTime = Annotated[datetime, AfterValidator(to_bamako),
                           PlainSerializer(lambda value: value.isoformat(), return_type=str, when_used="json")]
SafeId = Annotated[str, Field(pattern=ID_PATTERN)]
Subject = Annotated[str, Field(pattern=SUBJECT_PATTERN)]


def bamako_today(now: datetime) -> date:
    """The calendar date in Bamako at `now`."""
    return to_bamako(now).date()


def require_not_future(value: date, today: date, *, field_name: str) -> None:
    """A date that records something already done cannot be after today."""
    if value > today:
        raise InvalidInput("date_in_future", field=field_name)


def require_within_horizon(value: date, today: date, *, field_name: str) -> None:
    """A planned date must lie within the planning horizon."""
    if value > today + HORIZON:
        raise InvalidInput("date_too_far", field=field_name, max_days=HORIZON.days)


def require_future_start(starts_at: datetime, ends_at: datetime | None, now: datetime) -> None:
    """A hearing being scheduled starts in the future, within the horizon, and ends after it starts."""
    if starts_at <= now:
        raise InvalidInput("hearing_starts_in_past", field="starts_at")
    require_within_horizon(starts_at.date(), bamako_today(now), field_name="starts_at")
    if ends_at is not None and ends_at <= starts_at:
        raise InvalidInput("hearing_ends_before_start", field="ends_at")
