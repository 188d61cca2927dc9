"""Notify's metrics for staff dashboards: deliveries that need a person (refreshed from the store per scrape)."""

from __future__ import annotations

from prometheus_client import Gauge
from servicekit.metrics import Refresher

from .bootstrap import Deps
from .domain.delivery import DELIVERY

unknown_deliveries = Gauge("redress_notify_deliveries_unknown",
                           "Deliveries whose outcome is unknown and that nobody sent again yet")
flagged_deliveries = Gauge("redress_notify_deliveries_flagged", "Deliveries flagged for staff, not yet settled",
                           ["reason"])


def refresher(deps: Deps) -> Refresher:
    """The scrape-time refresh of notify's gauges."""
    deliveries = deps.core.db[DELIVERY.collection]

    async def refresh() -> None:
        unknown_deliveries.set(await deliveries.count_documents({"status": "unknown", "resent_as": None}))
        for reason in ("outcome_unknown", "notice_unconfirmed"):
            count = await deliveries.count_documents({"flags": reason, "status": {"$nin": ["sent", "delivered"]},
                                                      "resent_as": None})
            flagged_deliveries.labels(reason=reason).set(count)

    return refresh
