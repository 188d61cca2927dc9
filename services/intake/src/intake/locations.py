"""Exact incident coordinates, kept out of events: `incident_locations`, `_id` = "<incident id>:<digest>".

Content-addressed by the salted digest that the incident's events carry: a writer that dies before
its commit leaves an unreferenced document and never a wrong location, and the digest proves that
the point shown is the one the history attests to.
"""

from __future__ import annotations

import secrets
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from .domain.incident_facts import Coordinates, location_digest
from .domain.incident_rules import LocationSeal


class IncidentLocations:
    """Stores and reads exact points by (incident id, digest)."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection

    async def exact(self, incident_id: str, digest: str | None) -> Coordinates | None:
        """The exact point the digest attests to, if it is stored and still matches."""
        if digest is None:
            return None
        document = await self.collection.find_one({"_id": f"{incident_id}:{digest}"})
        if document is None:
            return None
        point = Coordinates(lat=document["lat"], lon=document["lon"])
        if location_digest(incident_id, point, document["salt"]) != digest:
            return None  # edited behind our back: show nothing rather than a point the history denies
        return point

    async def seal(self, incident_id: str, point: Coordinates | None,
                   current_digest: str | None) -> LocationSeal | None:
        """Store a point and return its seal; the current seal is kept when the point did not change."""
        if point is None:
            return None
        if current_digest is not None and await self.exact(incident_id, current_digest) == point:
            return LocationSeal(point.coarsened(), current_digest)
        salt = secrets.token_hex(16)
        digest = location_digest(incident_id, point, salt)
        await self.collection.replace_one(
            {"_id": f"{incident_id}:{digest}"},
            {"_id": f"{incident_id}:{digest}", "lat": point.lat, "lon": point.lon, "salt": salt}, upsert=True)
        return LocationSeal(point.coarsened(), digest)
