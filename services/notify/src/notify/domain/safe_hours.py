"""Safe hours: when a victim may safely receive a message, in local (Africa/Bamako) time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from servicekit.safe_hours import DEFAULT_SAFE_HOURS_END, DEFAULT_SAFE_HOURS_START, SAFE_HOURS_TZ

DEFAULT_TZ = SAFE_HOURS_TZ
# The project-wide default (servicekit.safe_hours), the same intake records for a victim without one.
DEFAULT_START, DEFAULT_END = time.fromisoformat(DEFAULT_SAFE_HOURS_START), time.fromisoformat(DEFAULT_SAFE_HOURS_END)


@dataclass(frozen=True, slots=True)
class SafeWindow:
    """A daily window [start, end) in local time; start > end means it wraps past midnight."""

    start: time = DEFAULT_START
    end: time = DEFAULT_END
    tz: str = DEFAULT_TZ

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("safe window times are local wall-clock times, without tzinfo")
        # An equal start and end could mean "never" or "always": refuse rather than guess.
        if self.start == self.end:
            raise ValueError("safe window start and end must differ")
        ZoneInfo(self.tz)  # fail fast on an unknown zone name

    @property
    def wraps_midnight(self) -> bool:
        """True for windows such as 21:00-06:00."""
        return self.start > self.end

    def contains(self, local: time) -> bool:
        """Whether a local wall-clock time falls inside the window."""
        local = local.replace(tzinfo=None)
        if self.wraps_midnight:
            return local >= self.start or local < self.end
        return self.start <= local < self.end


DEFAULT_WINDOW = SafeWindow()


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware (UTC)")


def is_within(now_utc: datetime, window: SafeWindow = DEFAULT_WINDOW) -> bool:
    """Whether now is inside the victim's safe window."""
    _require_aware(now_utc)
    return window.contains(now_utc.astimezone(ZoneInfo(window.tz)).time())


def next_send_time(now_utc: datetime, window: SafeWindow = DEFAULT_WINDOW, *, urgent: bool = False) -> datetime:
    """When a message due now may go out (UTC): now if allowed, else the next window start.

    A message outside the window is deferred, never dropped; only an explicitly urgent kind
    bypasses the window.
    """
    _require_aware(now_utc)
    if urgent or is_within(now_utc, window):
        return now_utc.astimezone(UTC)
    zone = ZoneInfo(window.tz)
    local = now_utc.astimezone(zone)
    candidate = datetime.combine(local.date(), window.start, tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), window.start, tzinfo=zone)
    return candidate.astimezone(UTC)
