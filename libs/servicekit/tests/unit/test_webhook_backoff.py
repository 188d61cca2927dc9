"""The retry schedule of failing webhook deliveries: exponential, capped, jittered, at least the window."""

from __future__ import annotations

import pytest
from servicekit.webhooks.backoff import retry_delay, schedule


def no_jitter(low: float, high: float) -> float:
    return high


def test_delays_double_from_the_base_until_the_cap():
    delays = [retry_delay(n, base_seconds=5, max_delay_seconds=60, jitter=no_jitter) for n in range(1, 7)]
    assert delays == [5, 10, 20, 40, 60, 60]


def test_jitter_shortens_a_delay_by_at_most_half():
    assert retry_delay(3, base_seconds=5, max_delay_seconds=60, jitter=lambda low, high: low) == 10


@pytest.mark.parametrize("attempts", [1, 5, 40])
def test_random_jitter_stays_between_half_and_the_full_delay(attempts):
    full = retry_delay(attempts, base_seconds=5, max_delay_seconds=3600, jitter=no_jitter)
    for _ in range(50):
        assert full / 2 <= retry_delay(attempts, base_seconds=5, max_delay_seconds=3600) <= full


def test_default_schedule_keeps_retrying_for_at_least_a_day_even_with_the_shortest_jitter():
    delays = schedule(base_seconds=5, max_delay_seconds=3600, window_seconds=86400, jitter=lambda low, high: low)
    assert sum(delays) >= 86400
    assert max(delays) == 1800  # the cap, halved by the shortest jitter
