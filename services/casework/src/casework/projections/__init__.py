"""Documents casework keeps beside its event store: what it knows of each victim from intake's events
(`victims`, fed by consumers) and lawyers' calendar feeds (`feeds`, working state)."""

from .feeds import MAX_FEEDS_PER_LAWYER, CalendarFeeds
from .victims import VictimRecords, VictimStatus

__all__ = ["MAX_FEEDS_PER_LAWYER", "CalendarFeeds", "VictimRecords", "VictimStatus"]
