"""Advocacy, declared once: what its API, worker, contracts and test harness are made of."""

from __future__ import annotations

from servicekit.spec import ServiceSpec

from .api import actions, indicators, projections, recommendations, reports, vocabularies
from .bootstrap import build_deps
from .config import Settings
from .domain import AGGREGATES
from .figures import warm_tasks
from .indexes import INDEXES
from .subscriptions import GROUPS

SPEC = ServiceSpec(
    name="advocacy",
    title="Redress advocacy",
    description="Anonymised impunity indicators, advocacy actions and reports.",
    settings=Settings,
    build_deps=build_deps,
    routers=[indicators.router, actions.router, recommendations.router, reports.router, projections.router,
             vocabularies.router],
    aggregates=AGGREGATES,
    groups=GROUPS,
    indexes=INDEXES,
    # Advocacy officers answer for the published record. (Admins always may.)
    integrity_roles=frozenset({"advocacy_officer"}),
    # The API reads the indicators' facts when it starts and after each rebuild, so no analyst waits for that.
    api_tasks=warm_tasks,
)
