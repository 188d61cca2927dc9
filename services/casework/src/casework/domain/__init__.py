"""Casework's domain: referrals, cases and their procedure, hearings, reparations, tasks (no I/O)."""

from .case import CASE
from .hearing import HEARING
from .referral import REFERRAL
from .reparation import REPARATION
from .task import TASK

AGGREGATES = [REFERRAL, CASE, HEARING, REPARATION, TASK]
