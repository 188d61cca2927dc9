"""The indexes education's lists need (created at start-up by the kit, idempotently).

Equality fields, then the sort key and `_id` (pages are ordered by the field, then `_id`), then ranges.
"""

from __future__ import annotations

from servicekit.indexes import Index

from .domain.campaign import CAMPAIGN
from .domain.session import SESSION

INDEXES = (
    Index(SESSION.collection, (("held_on", 1), ("_id", 1)), "sessions in a period, newest first"),
    Index(SESSION.collection, (("organisation", 1), ("held_on", 1), ("_id", 1)),
          "an organisation's sessions in a period, newest first"),
    Index(SESSION.collection, (("region", 1), ("held_on", 1), ("_id", 1)), "a region's sessions in a period"),
    Index(CAMPAIGN.collection, (("period_start", -1), ("_id", -1)), "campaigns, newest first"),
)
