"""The one fake clock of the tests: a service reads time through `Core.clock`, the test moves it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FakeClock:
    """A clock that stands still until the test sets or advances it (timezone-aware, UTC by default)."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        """Jump to `moment`."""
        self.now = moment

    def advance(self, delta: timedelta) -> None:
        """Move forward by `delta`."""
        self.now += delta
