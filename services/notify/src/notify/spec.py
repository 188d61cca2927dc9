"""Notify, declared once: what its API, worker, contracts and test harness are made of."""

from __future__ import annotations

from servicekit.spec import ServiceSpec

from . import metrics
from .api import deliveries, providers, templates, webhooks
from .bootstrap import build_deps
from .config import Settings
from .dispatcher import Dispatcher
from .domain import AGGREGATES
from .indexes import INDEXES
from .reconciler import Reconciler
from .subscriptions import GROUPS

SPEC = ServiceSpec(
    name="notify",
    title="Redress notify",
    description=("SMS and e-mail to victims (hearing dates, referral accepted), in their language, only with "
               "consent and inside their safe hours; delivery status, template previews, provider webhooks."),
    settings=Settings,
    build_deps=build_deps,
    routers=[deliveries.router, templates.router, providers.router, webhooks.router],
    aggregates=AGGREGATES,
    groups=GROUPS,
    indexes=INDEXES,
    # Notify administrators answer for the delivery record. (Admins always may.)
    integrity_roles=frozenset({"notify_admin"}),
    metric_refreshers=lambda deps: [metrics.refresher(deps)],
    # The dispatcher sends due messages; the reconciler settles deliveries whose outcome is unknown.
    worker_tasks=lambda deps: [Dispatcher(deps).run, Reconciler(deps).run],
)
