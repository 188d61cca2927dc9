"""One way for a test to wait for what happens asynchronously: poll a probe until it answers, or fail."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(probe: Callable[[], Awaitable[T]], what: str = "the condition", timeout: float = 60.0, *,
                     interval: float = 0.2) -> T:
    """Await `probe` until it returns something truthy and return that; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while not (result := await probe()):
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f} s waiting for {what}"
        await asyncio.sleep(interval)
    return result


def eventually_sync(probe: Callable[[], T], what: str = "the condition", timeout: float = 60.0, *,
                    interval: float = 0.5) -> T:
    """`eventually` for a blocking probe (tests that drive service processes over HTTP)."""
    deadline = time.monotonic() + timeout
    while not (result := probe()):
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f} s waiting for {what}"
        time.sleep(interval)
    return result
