"""Intake's domain: aggregates, events and rules, with no I/O."""

from .evidence import EVIDENCE
from .incident import INCIDENT
from .victim import VICTIM

AGGREGATES = [INCIDENT, VICTIM, EVIDENCE]
