"""Intake's domain: aggregates, events and rules, with no I/O."""

from typing import Any

from servicekit.domain import AggregateType

from .evidence import EVIDENCE
from .incident import INCIDENT
from .victim import VICTIM

AGGREGATES: list[AggregateType[Any]] = [INCIDENT, VICTIM, EVIDENCE]
