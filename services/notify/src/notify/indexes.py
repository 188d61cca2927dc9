"""The indexes notify's queries need (created at start-up by the kit, idempotently): equality, sort, range (ESR)."""

from __future__ import annotations

from servicekit.indexes import Index

from .domain.delivery import DELIVERY

INDEXES = (
    # Pages are ordered by their field then `_id` (servicekit.api.read_page): both end the keys.
    Index(DELIVERY.collection, (("victim_id", 1), ("scheduled_at", 1), ("_id", 1)), "a victim's delivery history"),
    Index(DELIVERY.collection, (("status", 1), ("resent_as", 1), ("updated_at", 1), ("_id", 1)),
          "deliveries needing attention"),
    Index(DELIVERY.collection, (("hearing_id", 1), ("victim_id", 1), ("scheduled_at", 1)), "a hearing's notices"),
    Index("delivery_queue", (("due_at", 1),), "due messages, oldest first"),
    Index("delivery_queue", (("victim_id", 1),), "a victim's queued messages"),
    Index("delivery_queue", (("hearing_id", 1),), "a hearing's queued messages"),
    Index("hearings", (("status", 1), ("starts_at", 1)), "hearings coming up"),
    Index("provider_reports_unmatched", (("phone_key", 1), ("received_at", 1)), "reports awaiting their message"),
)
