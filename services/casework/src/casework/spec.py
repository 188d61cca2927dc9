"""Casework, declared once: what its API, worker, contracts and test harness are made of."""

from __future__ import annotations

from servicekit.spec import ServiceSpec

from .api import calendars, cases, hearings, referrals, reparations, tasks, vocabularies
from .bootstrap import build_deps
from .config import Settings
from .domain import AGGREGATES
from .indexes import INDEXES
from .subscriptions import GROUPS

SPEC = ServiceSpec(
    name="casework",
    title="Redress casework",
    description=("Legal support for victims: referral inbox, cases through the Malian procedure and international "
               "tracks, hearings and calendars, reparations, deadlines and privileged notes."),
    settings=Settings,
    build_deps=build_deps,
    routers=[referrals.router, cases.router, hearings.router, calendars.router, reparations.router, tasks.router,
             vocabularies.router],
    aggregates=AGGREGATES,
    groups=GROUPS,
    indexes=INDEXES,
    # Case managers answer for the case files' history. (Admins always may.)
    integrity_roles=frozenset({"case_manager"}),
)
