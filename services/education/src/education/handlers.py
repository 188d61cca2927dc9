"""One async function per command or consumed event; commands never talk to Kafka (the relay publishes)."""

from __future__ import annotations

from datetime import date
from functools import partial

from servicekit.consumer import ConsumedEvent
from servicekit.errors import InvalidInput
from servicekit.eventstore import CommandContext
from servicekit.ids import derived_id, new_id

from . import consumed
from .bootstrap import Deps
from .domain import campaign as campaign_rules
from .domain import session as session_rules
from .domain.campaign import CAMPAIGN, Campaign, RegionTarget
from .domain.session import SESSION, AudienceCount, QuizAverages, Session


def new_aggregate_id(kind: str, organisation: str, idempotency_key: str | None) -> str:
    """A random id, or one derived from the client's Idempotency-Key so a retried request creates nothing new."""
    return derived_id("education", kind, organisation, idempotency_key) if idempotency_key else new_id()


async def _campaign_for(deps: Deps, campaign_id: str | None, organisation: str, region: str, held_on: date) -> None:
    """A session may count towards a campaign of its organisation that covers its region and date."""
    if campaign_id is None:
        return
    campaign = (await deps.store.load(CAMPAIGN, campaign_id)).state
    if campaign is None or campaign.organisation != organisation:
        raise InvalidInput("campaign_not_of_organisation", field="campaign_id")
    if not campaign.covers(region, held_on):
        raise InvalidInput("campaign_not_covering", field="campaign_id")


async def record_session(deps: Deps, ctx: CommandContext, *, organisation: str, idempotency_key: str | None,
                         facilitating_organisation: str | None, held_on: date, region: str, cercle: str | None,
                         venue: str, topics: list[str], audience: list[AudienceCount], materials: list[str],
                         quiz: QuizAverages | None, campaign_id: str | None) -> Session:
    """Record a session that was held, its audience counted by sex and age band."""
    session_id = new_aggregate_id("session", organisation, idempotency_key)
    existing = await deps.store.load(SESSION, session_id)
    if existing.state is not None:
        return existing.state  # the same request again: nothing new is recorded
    await _campaign_for(deps, campaign_id, organisation, region, held_on)
    decide = partial(session_rules.hold, organisation=organisation,
                     facilitating_organisation=facilitating_organisation or organisation, held_on=held_on,
                     today=date.today(), region=region, cercle=cercle, venue=venue, topics=topics,
                     audience=audience, materials=materials, quiz=quiz, campaign_id=campaign_id)
    committed = await deps.store.execute(SESSION, session_id, decide, context=ctx)
    assert committed.state is not None
    return committed.state


async def launch_campaign(deps: Deps, ctx: CommandContext, *, organisation: str, idempotency_key: str | None,
                          name: str, goals: list[str], topics: list[str], period_start: date, period_end: date,
                          targets: list[RegionTarget]) -> Campaign:
    """Launch a campaign with goals and per-region targets."""
    campaign_id = new_aggregate_id("campaign", organisation, idempotency_key)
    existing = await deps.store.load(CAMPAIGN, campaign_id)
    if existing.state is not None:
        return existing.state
    decide = partial(campaign_rules.launch, organisation=organisation, name=name, goals=goals, topics=topics,
                     period_start=period_start, period_end=period_end, targets=targets)
    committed = await deps.store.execute(CAMPAIGN, campaign_id, decide, context=ctx)
    assert committed.state is not None
    return committed.state


async def count_incident_documented(event: ConsumedEvent, deps: Deps) -> None:
    """Count a documented incident in its region (the density that makes a region a priority)."""
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
