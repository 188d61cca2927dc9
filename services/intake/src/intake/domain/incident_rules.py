"""Decisions on incidents: document, update, move along the verification workflow, reconcile an import row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import Field, ValidationError
from servicekit.domain import DomainEvent
from servicekit.errors import Conflict, InvalidInput, NotFound, from_validation

from ..vocabularies import can_transition, verification_transitions
from .access import Viewer, sees_incident
from .incident import (
    EXTERNAL_REFERENCE,
    Incident,
    IncidentDocumented,
    IncidentFacts,
    IncidentNarrativeRecorded,
    IncidentUpdated,
    IncidentVerificationChanged,
    facts_of,
)
from .incident_facts import (
    Act,
    Confidentiality,
    Coordinates,
    DatePrecision,
    Frozen,
    Source,
    check_acts,
    check_dates,
    check_place,
    check_sources,
    perpetrator_codes,
    violation_codes,
)
from .terms import check_term


class IncidentDraft(Frozen):
    """What a documenter states about an incident (with the exact point, which never enters an event)."""

    external_reference: str | None = Field(default=None, pattern=EXTERNAL_REFERENCE,
                                           description="Your organisation's own reference for this incident")
    occurred_on: date = Field(description="Date of the incident (or start of its range), ISO 8601")
    date_precision: DatePrecision = Field(default="day", description="day, month, year or range")
    occurred_until: date | None = Field(default=None, description="End date, only when date_precision is range")
    region: str = Field(min_length=1, max_length=64, description="Region code (GET /vocabularies/regions)")
    cercle: str | None = Field(default=None, max_length=128, description="Cercle code, e.g. mopti/djenne")
    commune: str | None = Field(default=None, max_length=192, description="Commune code, needs its cercle")
    coordinates: Coordinates | None = Field(default=None, description="Exact point; kept by intake only, "
                                                                      "coarsened to 0.1 degree elsewhere")
    violation_types: list[str] = Field(default_factory=list, max_length=40, description="Violation type codes")
    perpetrator_categories: list[str] = Field(default_factory=list, max_length=20,
                                              description="Alleged perpetrator categories not tied to an act")
    acts: list[Act] = Field(default_factory=list, max_length=100, description="Acts of the incident")
    sources: list[Source] = Field(default_factory=list, max_length=50, description="Sources and their ratings")
    confidentiality: Confidentiality = Field(default="restricted", description="public, restricted or confidential")


@dataclass(frozen=True)
class LocationSeal:
    """The outward form of an exact point: coarsened, plus the salted digest of the exact one."""

    coarse: Coordinates
    digest: str


def settle(draft: IncidentDraft, *, today: date, seal: LocationSeal | None) -> IncidentFacts:
    """Validate a draft against the rules and vocabularies; the facts that events will carry."""
    occurred_on, occurred_until = check_dates(draft.occurred_on, draft.date_precision, draft.occurred_until, today)
    check_place(draft.region, draft.cercle, draft.commune, draft.coordinates)
    check_acts(draft.acts)
    check_sources(draft.sources)
    return IncidentFacts(
        external_reference=draft.external_reference, occurred_on=occurred_on, date_precision=draft.date_precision,
        occurred_until=occurred_until, region=draft.region, cercle=draft.cercle, commune=draft.commune,
        coordinates=seal.coarse if seal else None, exact_location_sha256=seal.digest if seal else None,
        violation_types=violation_codes(draft.violation_types, draft.acts),
        perpetrator_categories=perpetrator_codes(draft.perpetrator_categories, draft.acts),
        acts=draft.acts, sources=draft.sources, confidentiality=draft.confidentiality,
    )


def document(state: Incident | None, *, organisation: str, draft: IncidentDraft, today: date,
             seal: LocationSeal | None, narrative: IncidentNarrativeRecorded | None = None) -> list[DomainEvent]:
    """Decide to document a new incident (with its narrative, in the same commit); rules fail before anything is
    written."""
    if state is not None:
        raise Conflict("incident_already_documented")
    facts = settle(draft, today=today, seal=seal)
    return [IncidentDocumented(organisation=organisation, **facts.model_dump()), *([narrative] if narrative else [])]


def draft_of(incident: Incident) -> IncidentDraft:
    """The current facts as a draft (without the exact point, which the draft never learns back)."""
    data = facts_of(incident).model_dump(exclude={"coordinates", "exact_location_sha256"})
    return IncidentDraft.model_validate(data)


def update(state: Incident | None, *, viewer: Viewer, changes: dict[str, Any], today: date,
           seal: LocationSeal | None, location_given: bool) -> list[DomainEvent]:
    """Apply corrections; no event when nothing actually changes."""
    current = _visible(state, viewer)
    try:
        draft = IncidentDraft.model_validate({**draft_of(current).model_dump(), **changes})
    except ValidationError as exc:
        raise from_validation(exc) from None
    kept = None if current.coordinates is None or current.exact_location_sha256 is None else \
        LocationSeal(current.coordinates, current.exact_location_sha256)
    new = settle(draft, today=today, seal=seal if location_given else kept)
    before, after = facts_of(current).model_dump(), new.model_dump()
    changed = sorted(name for name in after if after[name] != before[name])
    if not changed:
        return []
    return [IncidentUpdated(changed_fields=changed, **after)]


def change_verification(state: Incident | None, *, viewer: Viewer, status: str, reason: str) -> list[DomainEvent]:
    """Move along the workflow (unverified -> pending -> verified / falsely attributed / rejected)."""
    current = _visible(state, viewer)
    check_term("verification_statuses", status, field="status")
    if not reason.strip():
        raise InvalidInput("status_change_reason_required", field="reason")
    if not can_transition(current.verification_status, status):
        allowed = sorted(verification_transitions().get(current.verification_status, ()))
        raise Conflict("verification_move_not_allowed", field="status", from_status=current.verification_status,
                       to_status=status, allowed=allowed)
    return [IncidentVerificationChanged(previous_status=current.verification_status, status=status, reason=reason)]


def reconcile(state: Incident | None, *, viewer: Viewer, draft: IncidentDraft, today: date,
              seal: LocationSeal | None) -> list[DomainEvent]:
    """An import row: document it the first time, update it when it changed, nothing when identical.

    The row is the whole truth about the incident, so its location (or its absence) replaces the stored
    one; the caller reuses the stored seal when the exact point is unchanged, keeping re-imports no-ops.
    """
    if state is None:
        assert viewer.organisation is not None
        return document(None, organisation=viewer.organisation, draft=draft, today=today, seal=seal)
    changes = draft.model_dump()
    return update(state, viewer=viewer, changes=changes, today=today, seal=seal, location_given=True)


def _visible(state: Incident | None, viewer: Viewer) -> Incident:
    # Not found, whether it does not exist or belongs to someone the viewer may not know about.
    if state is None or not sees_incident(viewer, state.organisation, state.confidentiality):
        raise NotFound("incident_not_found")
    return state
