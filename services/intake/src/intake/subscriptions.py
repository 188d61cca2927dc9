"""Intake consumes no events yet: it is the source of the documentation."""

from __future__ import annotations

from servicekit.runtime import ConsumerGroup

GROUPS: list[ConsumerGroup] = []
