"""Intake, declared once: what its API, worker, contracts and test harness are made of."""

from __future__ import annotations

from servicekit.spec import ServiceSpec

from .api.evidence_routes import router as evidence_router
from .api.incident_routes import router as incident_router
from .api.narrative_routes import router as narrative_router
from .api.reference_routes import imports_router, vocabularies_router
from .api.referral_routes import router as referral_router
from .api.victim_routes import keys_router
from .api.victim_routes import router as victim_router
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
    routers=[imports_router, incident_router, narrative_router, victim_router, referral_router, evidence_router,
             keys_router, vocabularies_router],
    aggregates=AGGREGATES,
    groups=GROUPS,
    indexes=INDEXES,
    # Documentation officers verify every hash chain of intake. (Admins always may.)
    integrity_roles=frozenset({"documentation_officer"}),
    upload_max_bytes=lambda deps: deps.settings.evidence_max_bytes,
)
