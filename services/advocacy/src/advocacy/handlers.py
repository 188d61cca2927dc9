"""One async function per consumed event; each is idempotent."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict
from servicekit.consumer import ConsumedEvent

from .bootstrap import Deps


class IncidentDocumentedV1(BaseModel):
    """Advocacy's own copy of the fields it reads from intake.incident.documented.v1."""

    model_config = ConfigDict(extra="ignore")

    occurred_on: date
    region: str
    violation_types: list[str]


async def project_incident_documented(event: ConsumedEvent, deps: Deps) -> None:
    """Count a documented incident (by region, year and violation type)."""
    data = IncidentDocumentedV1.model_validate(event.data)
    await deps.projections.put_incident(event.envelope.subject, {
        "region": data.region, "year": data.occurred_on.year, "violation_types": data.violation_types,
        "source_event_id": event.id,
    })
