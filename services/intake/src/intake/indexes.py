"""The indexes intake's listings need (created at start-up by the kit, idempotently).

Equality fields first, then the sort key `_id`, so MongoDB walks one index in page order (ESR);
the local store searches the same index in `_id` order while those fields hold no array (violation
types do: that page searches `{organisation, _id}` and tests the types per row).
"""

from __future__ import annotations

from servicekit.indexes import Index

from .domain.incident import INCIDENT
from .domain.victim import VICTIM

INDEXES = (
    Index(INCIDENT.collection, (("organisation", 1), ("_id", 1)), "incident list, first pages"),
    Index(INCIDENT.collection, (("organisation", 1), ("region", 1), ("_id", 1)), "incident list by region"),
    Index(INCIDENT.collection, (("organisation", 1), ("verification_status", 1), ("_id", 1)),
          "incident list by verification status"),
    Index(INCIDENT.collection, (("organisation", 1), ("violation_types", 1), ("_id", 1)),
          "incident list by violation type (multikey)"),
    Index(VICTIM.collection, (("organisation", 1), ("_id", 1)), "referral list: an organisation's victims, by page"),
    Index("referral_answers", (("referral_id", 1),), "answers of some referrals"),
)
