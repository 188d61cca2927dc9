"""Retry policy for outbound messages and a per-provider token-bucket rate limiter."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

# "unknown": the request may have reached the provider but no answer came (a read timeout, a dropped
# connection): sending again could text the victim twice, so the send stops and stays unknown.
SendStatus = Literal["accepted", "rejected", "retryable", "unknown"]
Decision = Literal["done", "retry", "failover", "fail"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Attempts per provider and the exponential backoff between them, in seconds."""

    max_attempts: int = 3
    base_delay: float = 1.0
    max_delay: float = 30.0
    multiplier: float = 2.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < self.base_delay or self.multiplier < 1:
            raise ValueError("backoff needs 0 <= base_delay <= max_delay and multiplier >= 1")


def is_retryable_http_status(status: int) -> bool:
    """Only 429 and 5xx are worth another try; any other 4xx will fail the same way again."""
    return status == 429 or 500 <= status <= 599


def classify_http_status(status: int) -> SendStatus:
    """Map a gateway HTTP status to a send status (the body may still refine an accepted one)."""
    if 200 <= status <= 299:
        return "accepted"
    return "retryable" if is_retryable_http_status(status) else "rejected"


def decide(status: SendStatus, attempt: int, policy: RetryPolicy, *, provider_fault: bool = False) -> Decision:
    """What to do after attempt number `attempt` (1-based) on one provider ended with `status`.

    A rejection caused by our own account with the provider (credentials, balance, sender id)
    says nothing about the recipient, so it fails over instead of failing the message.
    """
    if attempt < 1:
        raise ValueError("attempt numbers start at 1")
    if status in ("accepted", "unknown"):
        return "done"
    if status == "retryable":
        return "retry" if attempt < policy.max_attempts else "failover"
    return "failover" if provider_fault else "fail"


def backoff_delay(attempt: int, policy: RetryPolicy, rng: random.Random | None = None) -> float:
    """Jittered delay before attempt `attempt + 1`: half fixed, half random ("equal jitter")."""
    if attempt < 1:
        raise ValueError("attempt numbers start at 1")
    # Jitter keeps many deliveries that failed together from hammering a recovering gateway in sync.
    ceiling = min(policy.max_delay, policy.base_delay * policy.multiplier ** (attempt - 1))
    draw = (rng or random).uniform(0.0, ceiling / 2)
    return ceiling / 2 + draw


class TokenBucket:
    """Rate limiter: `rate` tokens per second, bursts up to `capacity`; the clock is injectable."""

    def __init__(self, rate: float, capacity: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or capacity < 1:
            raise ValueError("rate must be positive and capacity at least 1")
        self.rate = rate
        self.capacity = capacity
        self._clock = clock
        self._tokens = capacity
        self._updated = clock()

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._updated)
        self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)
        self._updated = now

    @property
    def tokens(self) -> float:
        """Tokens available now."""
        self._refill()
        return self._tokens

    def try_acquire(self, tokens: float = 1.0) -> bool:
        """Take tokens if available now; never blocks."""
        if tokens > self.capacity:
            raise ValueError("cannot acquire more tokens than the bucket holds")
        self._refill()
        if self._tokens >= tokens:
            self._tokens -= tokens
            return True
        return False

    def wait_time(self, tokens: float = 1.0) -> float:
        """Seconds until `tokens` would be available (0 when they are now)."""
        self._refill()
        missing = tokens - self._tokens
        return 0.0 if missing <= 0 else missing / self.rate
