"""Casework's domain: referrals, cases and their procedure, hearings, reparations, tasks (no I/O)."""

from typing import Any

from servicekit.domain import AggregateType

from .case import CASE
from .hearing import HEARING
from .referral import REFERRAL
from .reparation import REPARATION
from .task import TASK

AGGREGATES: list[AggregateType[Any]] = [REFERRAL, CASE, HEARING, REPARATION, TASK]
