"""Commands on an open case: stage changes, lawyers, court, flags (no I/O).

Each takes the current state and returns the events to append; a refused command raises a domain
error (422 / 409) and nothing is written.
"""

from __future__ import annotations

from datetime import date

from servicekit.domain import DomainEvent
from servicekit.errors import Conflict

from ..vocabularies import require_court
from .case import (
    MAX_LAWYERS,
    Case,
    CaseClosed,
    CaseFlagCleared,
    CaseFlagged,
    CaseStageChanged,
    CourtChanged,
    Flag,
    LawyerAssigned,
    LawyerUnassigned,
    require_open,
)
from .collective import refusal as consent_refusal
from .common import require_not_future
from .procedure import CLOSED, DOMESTIC, check_transition, international_tracks, require_track, tracks


def change_stage(state: Case, *, track: str, to_stage: str, closure_reason: str | None, effective_on: date,
                 today: date) -> list[DomainEvent]:
    """Move one track of the case; closing the domestic track closes the case."""
    require_open(state)
    require_track(track)
    require_not_future(effective_on, today, field_name="effective_on")
    from_stage = state.stage_on(track)
    check_transition(track, from_stage, to_stage, closure_reason)
    refused = consent_refusal(state, track, to_stage)
    if refused is not None:
        raise refused
    events: list[DomainEvent] = [CaseStageChanged(case_id=state.id, victim_ids=state.victim_ids, track=track,
                                                  from_stage=from_stage, to_stage=to_stage, effective_on=effective_on,
                                                  closure_reason=closure_reason)]
    if track == DOMESTIC and to_stage == CLOSED:
        require_no_pending_track(state)
        assert closure_reason is not None  # check_transition demands one when closing the domestic track
        events.append(CaseClosed(case_id=state.id, victim_ids=state.victim_ids, closure_reason=closure_reason,
                                 from_stage=from_stage, closed_on=effective_on))
    return events


def require_no_pending_track(state: Case) -> None:
    """A case closes only once every international track it started is closed too."""
    pending = [t for t in international_tracks() if state.stage_on(t) not in (tracks()[t].initial, CLOSED)]
    if pending:
        raise Conflict("international_tracks_pending", field="to_stage",
                       pending_tracks=pending)


def assign_lawyer(state: Case, *, lawyer_id: str) -> list[DomainEvent]:
    """Add a lawyer to the case; assigning someone already assigned is refused."""
    require_open(state)
    if lawyer_id in state.lawyers:
        raise Conflict("lawyer_already_assigned", field="lawyer_id")
    if len(state.lawyers) >= MAX_LAWYERS:
        raise Conflict("too_many_lawyers", field="lawyer_id", limit=MAX_LAWYERS)
    return [LawyerAssigned(case_id=state.id, lawyer_id=lawyer_id)]


def unassign_lawyer(state: Case, *, lawyer_id: str) -> list[DomainEvent]:
    """Take a lawyer off the case; the last lawyer stays until another is assigned."""
    require_open(state)
    if lawyer_id not in state.lawyers:
        raise Conflict("lawyer_not_assigned", field="lawyer_id")
    if len(state.lawyers) == 1:
        raise Conflict("last_lawyer", field="lawyer_id")
    return [LawyerUnassigned(case_id=state.id, lawyer_id=lawyer_id)]


def change_court(state: Case, *, court: str) -> list[DomainEvent]:
    """Record the court now seized of the case."""
    require_open(state)
    require_court(court)
    if state.court == court:
        raise Conflict("court_unchanged", field="court")
    return [CourtChanged(case_id=state.id, court=court)]


def flag(state: Case | None, *, victim_id: str, flag: Flag) -> list[DomainEvent]:
    """Flag the case for one of its victims (closed cases too: lawyers must still see why); idempotent."""
    if state is None or victim_id not in state.victim_ids or flag in state.flags_of(victim_id):
        return []
    return [CaseFlagged(case_id=state.id, victim_id=victim_id, flag=flag)]


def clear_flag(state: Case | None, *, victim_id: str, flag: Flag) -> list[DomainEvent]:
    """Lift a victim's flag; erasure is never lifted, and lifting an absent flag is a no-op."""
    if state is None or victim_id not in state.victim_ids or flag not in state.flags_of(victim_id) \
            or flag == "victim_erased":
        return []
    return [CaseFlagCleared(case_id=state.id, victim_id=victim_id, flag=flag)]
