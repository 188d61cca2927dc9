"""When to try a failed webhook delivery again: exponential backoff with jitter, for a bounded window."""

from __future__ import annotations

import random
from collections.abc import Callable

Jitter = Callable[[float, float], float]


def retry_delay(attempts: int, *, base_seconds: float, max_delay_seconds: float,
                jitter: Jitter = random.uniform) -> float:
    """Seconds to wait after `attempts` failed tries: base * 2^(attempts-1), capped, times a jitter in [0.5, 1].

    The jitter spreads the retries of many deliveries that failed together (a receiver back from an
    outage is not hit by all of them in the same second).
    """
    exponent = min(max(attempts, 1) - 1, 30)
    return min(max_delay_seconds, base_seconds * 2 ** exponent) * jitter(0.5, 1.0)


def schedule(*, base_seconds: float, max_delay_seconds: float, window_seconds: float,
             jitter: Jitter = random.uniform) -> list[float]:
    """The successive delays of one delivery that keeps failing, until the window is spent (for docs and tests)."""
    delays: list[float] = []
    elapsed = 0.0
    while elapsed < window_seconds:
        delay = retry_delay(len(delays) + 1, base_seconds=base_seconds, max_delay_seconds=max_delay_seconds,
                            jitter=jitter)
        delays.append(delay)
        elapsed += delay
    return delays
