"""Intake, declared once: what its API, worker, contracts and test harness are made of."""

from __future__ import annotations

from servicekit.spec import ServiceSpec

from .api import evidence, imports, incidents, keys, narratives, referrals, victims, vocabularies
from .bootstrap import build_deps
from .config import Settings
from .domain import AGGREGATES
from .indexes import INDEXES
from .subscriptions import GROUPS

SPEC = ServiceSpec(
    name="intake",
    title="Redress intake",
    description=("Documentation of crimes: incidents, victims with consent, evidence with chain of custody, "
               "referrals to legal support. Victims' identities are encrypted per victim; every read is audited."),
    settings=Settings,
    build_deps=build_deps,
    # Imports before incidents: /incidents/imports must not be read as an incident id.
    routers=[imports.router, incidents.router, narratives.router, victims.router, referrals.router, evidence.router,
             keys.router, vocabularies.router],
    aggregates=AGGREGATES,
    groups=GROUPS,
    indexes=INDEXES,
    # Documentation officers verify every hash chain of intake. (Admins always may.)
    integrity_roles=frozenset({"documentation_officer"}),
    upload_max_bytes=lambda deps: deps.settings.evidence_max_bytes,
)
