"""Safe hours in Africa/Bamako: defer outside the window, never drop; wrap-around windows."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

import pytest
from notify.domain.safe_hours import DEFAULT_WINDOW, SafeWindow, is_within, next_send_time


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_inside_the_window_sends_now() -> None:
    now = utc(2025, 3, 10, 12, 0)
    assert next_send_time(now) == now


def test_message_due_at_23h_bamako_moves_to_next_window_start() -> None:
    assert next_send_time(utc(2025, 3, 10, 23, 0)) == utc(2025, 3, 11, 8, 0)


def test_message_due_before_dawn_moves_to_same_day_start() -> None:
    assert next_send_time(utc(2025, 3, 10, 5, 30)) == utc(2025, 3, 10, 8, 0)


def test_window_end_is_exclusive_and_start_inclusive() -> None:
    assert next_send_time(utc(2025, 3, 10, 20, 0)) == utc(2025, 3, 11, 8, 0)
    assert next_send_time(utc(2025, 3, 10, 8, 0)) == utc(2025, 3, 10, 8, 0)


def test_urgent_bypasses_the_window() -> None:
    now = utc(2025, 3, 10, 23, 0)
    assert next_send_time(now, urgent=True) == now


def test_non_utc_input_is_converted() -> None:
    paris = timezone(timedelta(hours=1))
    assert next_send_time(datetime(2025, 3, 11, 0, 0, tzinfo=paris)) == utc(2025, 3, 11, 8, 0)


def test_wrap_around_window_contains_late_night_and_early_morning() -> None:
    night = SafeWindow(start=time(21, 0), end=time(6, 0))
    assert night.wraps_midnight
    assert is_within(utc(2025, 3, 10, 23, 0), night)
    assert is_within(utc(2025, 3, 10, 2, 0), night)
    assert not is_within(utc(2025, 3, 10, 12, 0), night)


def test_wrap_around_window_defers_daytime_messages_to_the_evening_start() -> None:
    night = SafeWindow(start=time(21, 0), end=time(6, 0))
    assert next_send_time(utc(2025, 3, 10, 12, 0), night) == utc(2025, 3, 10, 21, 0)
    assert next_send_time(utc(2025, 3, 10, 6, 0), night) == utc(2025, 3, 10, 21, 0)
    assert next_send_time(utc(2025, 3, 10, 5, 59), night) == utc(2025, 3, 10, 5, 59)


def test_other_time_zone_window() -> None:
    window = SafeWindow(start=time(8, 0), end=time(20, 0), tz="Africa/Lagos")  # UTC+1
    assert next_send_time(utc(2025, 3, 10, 19, 30), window) == utc(2025, 3, 11, 7, 0)


def test_deferred_time_is_always_inside_the_window() -> None:
    start = utc(2025, 3, 10, 0, 0)
    for minutes in range(0, 24 * 60, 17):
        sent = next_send_time(start + timedelta(minutes=minutes))
        assert is_within(sent, DEFAULT_WINDOW)
        assert sent >= start + timedelta(minutes=minutes)


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError):
        next_send_time(datetime(2025, 3, 10, 23, 0))


def test_equal_start_and_end_is_refused() -> None:
    with pytest.raises(ValueError):
        SafeWindow(start=time(8, 0), end=time(8, 0))


def test_unknown_zone_is_refused() -> None:
    with pytest.raises(Exception):  # noqa: B017 - zoneinfo raises ZoneInfoNotFoundError
        SafeWindow(tz="Africa/Atlantis")
