"""Notify's metrics for staff dashboards: deliveries that need a person (refreshed from the store per scrape)."""

from __future__ import annotations

from typing import Any

from prometheus_client import Gauge
from servicekit.metrics import Refresher

from .bootstrap import Deps
from .domain.delivery import DELIVERY

unknown_deliveries = Gauge("redress_notify_deliveries_unknown",
                           "Deliveries whose outcome is unknown and that nobody sent again yet")
deliveries = Gauge("redress_notify_deliveries", "Deliveries by channel, status and provider (none before a send)",
                   ["channel", "status", "provider"])
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
        await refresh_by_status(deliveries)

    return refresh


async def refresh_by_status(collection: Any) -> None:
    """Counts per channel, status and provider (grouped by the store; a handful of rows)."""
    rows = await (await collection.aggregate([
        {"$group": {"_id": {"channel": "$channel", "status": "$status", "provider": "$provider"},
                    "count": {"$sum": 1}}}])).to_list()
    deliveries.clear()
    for row in rows:
        key = row["_id"]
        deliveries.labels(channel=key.get("channel") or "", status=key.get("status") or "",
                          provider=key.get("provider") or "none").set(row["count"])
