"""Incident commands and reads; they never talk to Kafka (the outbox relay publishes)."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from servicekit.api import Caller, RequestKey, command_key
from servicekit.commands import today_in_bamako
from servicekit.errors import InvalidInput, NotFound
from servicekit.eventstore import Committed
from servicekit.ids import derived_id, new_id

from ..bootstrap import Deps
from ..domain import incident_rules
from ..domain.access import sees_incident, sees_victim
from ..domain.incident import INCIDENT, Incident
from ..domain.incident_facts import Act, Coordinates
from ..domain.incident_rules import IncidentDraft
from ..domain.narrative_rules import NarrativeInput, check_accounts
from ..domain.victim import VICTIM
from . import viewer
from .narratives import seal_texts


def today(deps: Deps) -> date:
    """Today in Mali, by the service's one clock."""
    return today_in_bamako(deps.core.clock)


async def document_incident(deps: Deps, caller: Caller, draft: IncidentDraft, request_key: RequestKey | None,
                            texts: NarrativeInput | None = None) -> Committed[Incident]:
    """Document a new incident for the caller's organisation, with its narrative and accounts if given."""
    assert caller.organisation is not None
    incident_id = request_key.aggregate_id("incident") if request_key else new_id()
    incident_rules.settle(draft, today=today(deps), seal=None)  # every rule passes before anything is written
    if texts is not None:
        check_accounts(texts.source_accounts, len(draft.sources))
    seal = await deps.locations.seal(incident_id, draft.coordinates, None)
    narrative = None
    if texts is not None and not texts.empty:
        narrative = await seal_texts(deps, caller, incident_id, texts, len(draft.sources))
    decide = partial(incident_rules.document, organisation=caller.organisation, draft=draft, today=today(deps),
                     seal=seal, narrative=narrative)
    # A retry of the same request finds its key and answers as the first time; document refuses any other.
    return await deps.store.execute(INCIDENT, incident_id, decide, context=caller.context,
                                    idempotency_key=command_key(request_key, "incident"), creates=True)


async def update_incident(deps: Deps, caller: Caller, incident_id: str, changes: dict[str, Any],
                          request_key: RequestKey | None) -> Committed[Incident]:
    """Correct or complete an incident's facts (an incident.updated event, or nothing if unchanged)."""
    current = await visible_incident(deps, caller, incident_id)
    location_given = "coordinates" in changes
    seal = None
    if location_given and changes["coordinates"] is not None:
        point = Coordinates.model_validate(changes["coordinates"])
        incident_rules.update(current, viewer=viewer(caller), changes=changes, today=today(deps), seal=None,
                              location_given=False)  # validate before storing the point
        seal = await deps.locations.seal(incident_id, point, current.exact_location_sha256)
    decide = partial(incident_rules.update, viewer=viewer(caller), changes=changes, today=today(deps), seal=seal,
                     location_given=location_given)
    return await deps.store.execute(INCIDENT, incident_id, decide, context=caller.context,
                                    idempotency_key=command_key(request_key, f"update:{incident_id}"))


async def change_verification(deps: Deps, caller: Caller, incident_id: str, status: str, reason: str,
                              request_key: RequestKey | None) -> Committed[Incident]:
    """Move an incident along the verification workflow, saying why."""
    decide = partial(incident_rules.change_verification, viewer=viewer(caller), status=status, reason=reason)
    return await deps.store.execute(INCIDENT, incident_id, decide, context=caller.context,
                                    idempotency_key=command_key(request_key, f"verification:{incident_id}"))


async def visible_incident(deps: Deps, caller: Caller, incident_id: str) -> Incident:
    """The incident if the viewer may see it; 404 otherwise, whether or not it exists."""
    loaded = await deps.store.load(INCIDENT, incident_id)
    state = loaded.state
    if state is None or not sees_incident(viewer(caller), state.organisation, state.confidentiality):
        raise NotFound("incident_not_found")
    return state


async def read_incident(deps: Deps, caller: Caller, incident_id: str) -> tuple[Incident, Coordinates | None]:
    """The incident and its exact point (documenters of the owning organisation only)."""
    incident = await visible_incident(deps, caller, incident_id)
    return incident, await deps.locations.exact(incident_id, incident.exact_location_sha256)


async def import_row(deps: Deps, caller: Caller, draft: IncidentDraft) -> Committed[Incident]:
    """Import one spreadsheet row: the id derives from organisation and reference, so re-imports never double."""
    assert caller.organisation is not None and draft.external_reference is not None
    incident_id = imported_incident_id(caller.organisation, draft.external_reference)
    loaded = await deps.store.load(INCIDENT, incident_id)
    current_digest = loaded.state.exact_location_sha256 if loaded.state else None
    seal = await deps.locations.seal(incident_id, draft.coordinates, current_digest)
    decide = partial(incident_rules.reconcile, viewer=viewer(caller), draft=draft, today=today(deps), seal=seal)
    return await deps.store.execute(INCIDENT, incident_id, decide, context=caller.context)


async def check_victims(deps: Deps, caller: Caller, acts: list[Act]) -> None:
    """Victims named in acts must be victims the caller's organisation may see (422 naming the position)."""
    for i, act in enumerate(acts):
        for j, victim_id in enumerate(act.victim_ids):
            victim = (await deps.store.load(VICTIM, victim_id)).state
            if victim is None or not sees_victim(viewer(caller), victim.organisation, victim.consent.sharing):
                raise InvalidInput("victim_not_found", field=f"acts.{i}.victim_ids.{j}")


def imported_incident_id(organisation: str, external_reference: str) -> str:
    """The id an imported row's incident always gets."""
    return derived_id(organisation, "incident-import", external_reference)

