"""Intake's domain: aggregates, events and rules, with no I/O."""

from .incident import INCIDENT

AGGREGATES = [INCIDENT]
