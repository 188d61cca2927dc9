"""The case aggregate: the legal proceedings of one or more victims, their stages, lawyers, court and flags (no I/O).

A case opens for the victim of one accepted referral; later referrals may be accepted into it (a collective
complaint), each adding its victim. Flags are kept per victim; the case is flagged while any victim is.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field, model_validator
from servicekit.domain import AggregateState, AggregateType, DomainEvent
from servicekit.errors import Conflict, InvalidInput, NotFound
from servicekit.ids import derived_id

from ..vocabularies import require_court
from .common import SafeId, Subject
from .procedure import DOMESTIC, tracks

Flag = Literal["consent_withdrawn", "victim_erased"]
MAX_LAWYERS = 20


def case_id_for(referral_id: str) -> str:
    """The one case a referral can open: its id derives from the referral's."""
    return derived_id("casework.case", referral_id)


class CaseOpened(DomainEvent):
    """A case was opened for a referred victim, with the lawyers who take it."""

    event_type: ClassVar[str] = "casework.case.opened.v1"
    classification: ClassVar[str] = "confidential"

    case_id: SafeId = Field(description="Case id (derived from the referral id)")
    referral_id: SafeId = Field(description="Id of the accepted referral (intake's referral id)")
    organisation: str = Field(description="Legal-aid organisation that holds the case (its code)")
    victim_ids: list[SafeId] = Field(description="Pseudonymous ids of the victims the case represents")
    incident_ids: list[SafeId] = Field(description="Intake incident ids the case concerns")
    lawyers: list[Subject] = Field(description="Subjects (staff ids) of the assigned lawyers")
    court: str | None = Field(default=None, description="Court code (casework courts vocabulary) seized, if known")
    stage: str = Field(description="Initial domestic stage")
    opened_on: date = Field(description="Date the case was opened (Africa/Bamako)")


class CaseVictimJoined(DomainEvent):
    """A referral was accepted into an existing case: its victim is now one of the victims the case represents."""

    event_type: ClassVar[str] = "casework.case.victim_joined.v1"
    classification: ClassVar[str] = "confidential"

    case_id: SafeId = Field(description="Id of the existing case the victim joined")
    victim_id: SafeId = Field(description="Pseudonymous id of the victim who joined the case")
    referral_id: SafeId = Field(description="Id of the referral accepted into the case (intake's referral id)")


class CaseStageChanged(DomainEvent):
    """A case moved from one stage to another on one of its tracks."""

    event_type: ClassVar[str] = "casework.case.stage_changed.v1"

    case_id: SafeId = Field(description="Case id")
    victim_ids: list[SafeId] = Field(description="Pseudonymous ids of the victims concerned")
    track: str = Field(description="'domestic' or an international track code (procedure vocabulary)")
    from_stage: str = Field(description="Stage left")
    to_stage: str = Field(description="Stage entered")
    effective_on: date = Field(description="Date of the procedural act that moved the case")
    closure_reason: str | None = Field(default=None, description="Why the domestic track closed, when it did")


class CaseClosed(DomainEvent):
    """A case was closed, with the reason (judgment, dismissal, withdrawal, ...)."""

    event_type: ClassVar[str] = "casework.case.closed.v1"

    case_id: SafeId = Field(description="Case id")
    victim_ids: list[SafeId] = Field(description="Pseudonymous ids of the victims concerned")
    closure_reason: str = Field(description="Closure reason code (procedure vocabulary)")
    from_stage: str = Field(description="Domestic stage the case closed from")
    closed_on: date = Field(description="Date of the act that closed the case")


class LawyerAssigned(DomainEvent):
    """A lawyer was assigned to a case."""

    event_type: ClassVar[str] = "casework.case.lawyer_assigned.v1"
    classification: ClassVar[str] = "confidential"

    case_id: SafeId = Field(description="Case id")
    lawyer_id: Subject = Field(description="Subject (staff id) of the lawyer")


class LawyerUnassigned(DomainEvent):
    """A lawyer was taken off a case."""

    event_type: ClassVar[str] = "casework.case.lawyer_unassigned.v1"
    classification: ClassVar[str] = "confidential"

    case_id: SafeId = Field(description="Case id")
    lawyer_id: Subject = Field(description="Subject (staff id) of the lawyer")


class CourtChanged(DomainEvent):
    """The court seized of a case changed (e.g. an appeal court after judgment)."""

    event_type: ClassVar[str] = "casework.case.court_changed.v1"

    case_id: SafeId = Field(description="Case id")
    court: str = Field(description="Court code (casework courts vocabulary)")


class CaseFlagged(DomainEvent):
    """A case was flagged because of one of its victims: consent withdrawn or victim erased."""

    event_type: ClassVar[str] = "casework.case.flagged.v1"

    case_id: SafeId = Field(description="Case id")
    victim_id: SafeId = Field(description="Pseudonymous id of the victim the flag is about")
    flag: Flag = Field(description="consent_withdrawn (legal-support consent) or victim_erased")


class CaseFlagCleared(DomainEvent):
    """A flag was lifted (legal-support consent given again)."""

    event_type: ClassVar[str] = "casework.case.flag_cleared.v1"

    case_id: SafeId = Field(description="Case id")
    victim_id: SafeId = Field(description="Pseudonymous id of the victim the flag was about")
    flag: Flag = Field(description="The flag lifted")


class StageStep(BaseModel):
    """One entry of a case's stage history."""

    track: str
    from_stage: str
    to_stage: str
    effective_on: date


class VictimFlag(BaseModel):
    """A flag and the victim it is about."""

    victim_id: str
    flag: Flag


class Case(AggregateState):
    """Current state of a case (the projection document)."""

    referral_id: str
    referral_ids: list[str] = Field(default_factory=list, description="Referrals accepted into the case, in order")
    organisation: str
    victim_ids: list[str]
    incident_ids: list[str]
    lawyers: list[str]
    court: str | None = None
    stage: str
    tracks: dict[str, str] = Field(default_factory=dict)
    status: Literal["open", "closed"] = "open"
    closure_reason: str | None = None
    flags: list[str] = Field(default_factory=list, description="Flags of any of the case's victims")
    victim_flags: list[VictimFlag] = Field(default_factory=list, description="Each flag with the victim it is about")
    opened_on: date
    closed_on: date | None = None
    history: list[StageStep] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_single_victim_projection(cls, data: Any) -> Any:
        """Projections written before cases had several victims: their referral and flags are the one victim's."""
        if isinstance(data, dict):
            data = dict(data)
            if not data.get("referral_ids") and data.get("referral_id"):
                data["referral_ids"] = [data["referral_id"]]
            victims = data.get("victim_ids") or []
            if "victim_flags" not in data and data.get("flags") and len(victims) == 1:
                data["victim_flags"] = [{"victim_id": victims[0], "flag": f} for f in data["flags"]]
        return data

    def flags_of(self, victim_id: str) -> list[str]:
        """The flags about one victim of the case."""
        return sorted({f.flag for f in self.victim_flags if f.victim_id == victim_id})

    def stage_on(self, track: str) -> str:
        """The current stage of one track."""
        return self.stage if track == DOMESTIC else self.tracks.get(track, tracks()[track].initial)


def evolve(state: Case | None, event: DomainEvent) -> Case:
    """Apply one event to a case."""
    if isinstance(event, CaseOpened):
        return Case(id=event.case_id, referral_ids=[event.referral_id], **event.model_dump(exclude={"case_id"}))
    assert state is not None, f"{type(event).__name__} before the case was opened"
    match event:
        case CaseStageChanged():
            step = StageStep(track=event.track, from_stage=event.from_stage, to_stage=event.to_stage,
                             effective_on=event.effective_on)
            update: dict[str, object] = {"history": [*state.history, step]}
            if event.track == DOMESTIC:
                update["stage"] = event.to_stage
            else:
                update["tracks"] = {**state.tracks, event.track: event.to_stage}
            return state.model_copy(update=update)
        case CaseClosed():
            return state.model_copy(update={"status": "closed", "closure_reason": event.closure_reason,
                                            "closed_on": event.closed_on})
        case LawyerAssigned():
            return state.model_copy(update={"lawyers": [*state.lawyers, event.lawyer_id]})
        case LawyerUnassigned():
            return state.model_copy(update={"lawyers": [x for x in state.lawyers if x != event.lawyer_id]})
        case CourtChanged():
            return state.model_copy(update={"court": event.court})
        case CaseVictimJoined():
            return state.model_copy(update={"victim_ids": [*state.victim_ids, event.victim_id],
                                            "referral_ids": [*state.referral_ids, event.referral_id]})
        case CaseFlagged():
            flagged = VictimFlag(victim_id=event.victim_id, flag=event.flag)
            return _with_flags(state, [*[f for f in state.victim_flags if f != flagged], flagged])
        case CaseFlagCleared():
            cleared = VictimFlag(victim_id=event.victim_id, flag=event.flag)
            return _with_flags(state, [f for f in state.victim_flags if f != cleared])
    raise ValueError(f"case cannot apply {type(event).__name__}")


def _with_flags(state: Case, victim_flags: list[VictimFlag]) -> Case:
    return state.model_copy(update={"victim_flags": victim_flags, "flags": sorted({f.flag for f in victim_flags})})


CASE = AggregateType(name="case", topic="casework.cases", collection="cases", state_type=Case,
                     events=(CaseOpened, CaseStageChanged, CaseClosed, LawyerAssigned, LawyerUnassigned,
                             CourtChanged, CaseFlagged, CaseFlagCleared, CaseVictimJoined), evolve=evolve)


def require_distinct_lawyers(lawyers: list[str]) -> None:
    """At least one lawyer, at most MAX_LAWYERS, nobody twice."""
    if not lawyers:
        raise InvalidInput("lawyer_required", field="lawyers")
    if len(lawyers) > MAX_LAWYERS:
        raise InvalidInput("too_many_lawyers", field="lawyers", limit=MAX_LAWYERS)
    if len(set(lawyers)) != len(lawyers):
        raise InvalidInput("lawyer_listed_twice", field="lawyers")


def open_case(state: Case | None, *, case_id: str, referral_id: str, organisation: str, victim_id: str,
              incident_ids: list[str], lawyers: list[str], court: str | None, today: date) -> list[DomainEvent]:
    """Open the case of an accepted referral; a second opening of the same case is a no-op."""
    if state is not None:
        return []
    require_distinct_lawyers(lawyers)
    if court is not None:
        require_court(court)
    return [CaseOpened(case_id=case_id, referral_id=referral_id, organisation=organisation, victim_ids=[victim_id],
                       incident_ids=sorted(set(incident_ids)), lawyers=lawyers, court=court,
                       stage=tracks()[DOMESTIC].initial, opened_on=today)]


def require_open(state: Case) -> None:
    """Closed cases accept no further changes."""
    if state.status == "closed":
        raise Conflict("case_closed")


def join_victim(state: Case, *, victim_id: str, referral_id: str) -> list[DomainEvent]:
    """Accept a referral's victim into this case: refused when closed, flagged or the victim is already in it.

    The same referral joining again (a retried acceptance) is a no-op.
    """
    if referral_id in state.referral_ids:
        return []
    require_open(state)
    if state.flags:
        raise Conflict("case_flagged_no_join", field="case_id", flags=list(state.flags))
    if victim_id in state.victim_ids:
        raise Conflict("victim_already_in_case", field="case_id")
    return [CaseVictimJoined(case_id=state.id, victim_id=victim_id, referral_id=referral_id)]


def record_join(state: Case | None, *, victim_id: str, referral_id: str) -> list[DomainEvent]:
    """Add the victim of a referral already accepted into this case (the referral decided); idempotent."""
    if state is None:
        raise NotFound("case_not_found")
    if referral_id in state.referral_ids or victim_id in state.victim_ids:
        return []
    return [CaseVictimJoined(case_id=state.id, victim_id=victim_id, referral_id=referral_id)]
