"""Documented-incident facts from intake's events: the density that makes a region a priority."""

from __future__ import annotations

from servicekit.consumer import ConsumedEvent

from .. import consumed
from ..bootstrap import Deps


async def count_incident_documented(event: ConsumedEvent, deps: Deps) -> None:
    """Count a documented incident in its region."""
    data = consumed.IncidentDocumentedV1.model_validate(event.data)
    await deps.incidents.record(event_id=event.id, incident_id=event.envelope.subject,
                                at=event.envelope.time.isoformat(), offset=event.offset, region=data.region,
                                occurred_on=data.occurred_on)


async def count_incident_updated(event: ConsumedEvent, deps: Deps) -> None:
    """Follow a correction of an incident's region or date."""
    data = consumed.IncidentUpdatedV1.model_validate(event.data)
    await deps.incidents.record(event_id=event.id, incident_id=event.envelope.subject,
                                at=event.envelope.time.isoformat(), offset=event.offset, region=data.region,
                                occurred_on=data.occurred_on)


async def follow_incident_verification(event: ConsumedEvent, deps: Deps) -> None:
    """Stop counting an incident that verification rejected (and count it again if reopened)."""
    data = consumed.IncidentVerificationChangedV1.model_validate(event.data)
    await deps.incidents.record(event_id=event.id, incident_id=event.envelope.subject,
                                at=event.envelope.time.isoformat(), offset=event.offset, status=data.status)
