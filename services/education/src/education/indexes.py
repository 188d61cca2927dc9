"""The indexes education's lists need (created at start-up by the kit, idempotently): equality, then range (ESR)."""

from __future__ import annotations

from servicekit.indexes import Index

from .domain.campaign import CAMPAIGN
from .domain.session import SESSION

INDEXES = (
    Index(SESSION.collection, (("held_on", 1),), "sessions in a period"),
    Index(SESSION.collection, (("organisation", 1), ("held_on", 1)), "an organisation's sessions in a period"),
    Index(SESSION.collection, (("region", 1), ("held_on", 1)), "a region's sessions in a period"),
    Index(CAMPAIGN.collection, (("period_start", -1),), "campaigns, newest first"),
)
