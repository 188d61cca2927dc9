"""An in-process wake-up: the event store rings it after a commit, the relay waits on it."""

from __future__ import annotations

import asyncio


class CommitSignal:
    """Wakes every waiter of this process at once; waiters in other processes poll instead."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Event] = set()

    def notify(self) -> None:
        """Something was committed here: wake whoever waits."""
        for waiter in self._waiters:
            waiter.set()

    def subscribe(self) -> asyncio.Event:
        """An event set on every later commit (clear it before looking for work)."""
        waiter = asyncio.Event()
        self._waiters.add(waiter)
        return waiter

    def unsubscribe(self, waiter: asyncio.Event) -> None:
        """Stop being woken."""
        self._waiters.discard(waiter)
