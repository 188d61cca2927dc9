"""One async function per command; they never talk to Kafka (the outbox relay publishes)."""

from __future__ import annotations

from datetime import date
from functools import partial

from servicekit.eventstore import CommandContext
from servicekit.ids import new_id

from .bootstrap import Deps
from .domain import incident
from .domain.incident import INCIDENT, Confidentiality


async def document_incident(deps: Deps, ctx: CommandContext, *, organisation: str, occurred_on: date,
                            region: str, violation_types: list[str], confidentiality: Confidentiality) -> str:
    """Document a new incident; returns its id."""
    incident_id = new_id()
    decide = partial(incident.document, organisation=organisation, occurred_on=occurred_on, today=date.today(),
                     region=region, violation_types=violation_types, confidentiality=confidentiality)
    await deps.store.execute(INCIDENT, incident_id, decide, context=ctx)
    return incident_id
