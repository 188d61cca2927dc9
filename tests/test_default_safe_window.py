"""One default safe window: what intake records for a victim without one is what notify falls back to."""

from __future__ import annotations

from datetime import time

from intake.domain.consent import NotificationPreferences
from notify.domain.safe_hours import DEFAULT_WINDOW
from servicekit.safe_hours import DEFAULT_SAFE_HOURS_END, DEFAULT_SAFE_HOURS_START, SAFE_HOURS_TZ


def test_intake_records_the_kits_default_window():
    preferences = NotificationPreferences()
    assert (preferences.safe_hours_start, preferences.safe_hours_end) == (DEFAULT_SAFE_HOURS_START,
                                                                          DEFAULT_SAFE_HOURS_END)


def test_notify_falls_back_to_the_same_window_in_bamako_time():
    preferences = NotificationPreferences()
    assert (DEFAULT_WINDOW.start, DEFAULT_WINDOW.end, DEFAULT_WINDOW.tz) == (
        time.fromisoformat(preferences.safe_hours_start), time.fromisoformat(preferences.safe_hours_end),
        SAFE_HOURS_TZ)
