"""Retry decisions, jittered backoff and the token bucket."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from notify.domain.retry import (
    RetryPolicy,
    TokenBucket,
    backoff_delay,
    classify_http_status,
    decide,
    is_retryable_http_status,
)
from servicekit.testing import FakeClock


def seconds_of(clock: FakeClock) -> float:
    """The fake clock read as the bucket's monotonic seconds."""
    return clock().timestamp()


@pytest.mark.parametrize(
    ("status", "expected"),
    [(200, "accepted"), (201, "accepted"), (429, "retryable"), (500, "retryable"), (503, "retryable"),
     (400, "rejected"), (401, "rejected"), (404, "rejected"), (422, "rejected")],
)  # fmt: skip
def test_http_status_classification(status: int, expected: str) -> None:
    assert classify_http_status(status) == expected


def test_only_429_and_5xx_are_retryable() -> None:
    assert [s for s in range(400, 600) if is_retryable_http_status(s)] == [429, *range(500, 600)]


def test_retryable_retries_until_max_attempts_then_fails_over() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert [decide("retryable", n, policy) for n in (1, 2, 3)] == ["retry", "retry", "failover"]


def test_rejection_fails_without_retry() -> None:
    assert decide("rejected", 1, RetryPolicy()) == "fail"


def test_provider_fault_rejection_fails_over_without_retry() -> None:
    assert decide("rejected", 1, RetryPolicy(), provider_fault=True) == "failover"


def test_accepted_is_done() -> None:
    assert decide("accepted", 2, RetryPolicy()) == "done"


def test_an_unknown_outcome_stops_without_retry_or_failover() -> None:
    # The provider may have the message: another call could text the victim twice.
    assert [decide("unknown", attempt, RetryPolicy()) for attempt in (1, 2, 3)] == ["done"] * 3


def test_single_attempt_policy_fails_over_at_once() -> None:
    assert decide("retryable", 1, RetryPolicy(max_attempts=1)) == "failover"


def test_backoff_grows_exponentially_with_jitter_inside_bounds() -> None:
    policy = RetryPolicy(base_delay=1.0, multiplier=2.0, max_delay=30.0)
    rng = random.Random(7)
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (6, 30.0), (10, 30.0)]:
        for _ in range(50):
            delay = backoff_delay(attempt, policy, rng)
            assert ceiling / 2 <= delay <= ceiling


def test_backoff_is_jittered() -> None:
    rng = random.Random(1)
    assert len({backoff_delay(3, RetryPolicy(), rng) for _ in range(20)}) > 1


def test_invalid_policies_are_refused() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError):
        RetryPolicy(base_delay=5, max_delay=1)


def test_token_bucket_allows_a_burst_then_refills_at_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=2.0, capacity=3, clock=lambda: seconds_of(clock))
    assert [bucket.try_acquire() for _ in range(4)] == [True, True, True, False]
    assert bucket.wait_time() == pytest.approx(0.5)
    clock.advance(timedelta(seconds=0.5))
    assert bucket.try_acquire()
    assert not bucket.try_acquire()


def test_token_bucket_never_exceeds_capacity() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=10.0, capacity=2, clock=lambda: seconds_of(clock))
    clock.advance(timedelta(seconds=100))
    assert bucket.tokens == 2


def test_token_bucket_refuses_requests_larger_than_capacity() -> None:
    with pytest.raises(ValueError):
        TokenBucket(rate=1.0, capacity=1).try_acquire(2)
