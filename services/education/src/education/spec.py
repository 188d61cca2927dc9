"""Education, declared once: what its API, worker, contracts and test harness are made of."""

from __future__ import annotations

from servicekit.spec import ServiceSpec

from .api import campaigns, sessions, statistics, vocabularies
from .bootstrap import build_deps
from .config import Settings
from .domain import AGGREGATES
from .indexes import INDEXES
from .subscriptions import GROUPS

SPEC = ServiceSpec(
    name="education",
    title="Redress education",
    description="Human-rights education: sessions and campaigns, reach by region and age, priority regions.",
    settings=Settings,
    build_deps=build_deps,
    routers=[sessions.router, campaigns.router, statistics.router, vocabularies.router],
    aggregates=AGGREGATES,
    groups=GROUPS,
    indexes=INDEXES,
    # Educators keep the sessions' record. (Admins always may.)
    integrity_roles=frozenset({"educator"}),
)
