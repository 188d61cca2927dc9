"""Intake consumes no events: it is the source of the documentation."""

from __future__ import annotations

from servicekit.runtime import ConsumerGroup

GROUPS: list[ConsumerGroup] = []
