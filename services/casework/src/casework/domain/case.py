"""The case aggregate: the legal proceedings of one or more victims, their stages, lawyers, court and flags (no I/O).

A case opens for the victim of one accepted referral; later referrals may be accepted into it (a collective
complaint), each adding its victim. A victim who withdraws or is erased leaves a collective case and it goes on
for the others; the last victim of a case is flagged instead (collective.py, and the consent rules table).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator
from servicekit.domain import AggregateState, AggregateType, DomainEvent
from servicekit.errors import Conflict, InvalidInput
from servicekit.ids import derived_id

from ..vocabularies import require_court
from .case_events import (
    CaseClosed,
    CaseFlagCleared,
    CaseFlagged,
    CaseOpened,
    CaseStageChanged,
    CaseVictimJoined,
    CaseVictimRemoved,
    CourtChanged,
    Flag,
    LawyerAssigned,
    LawyerUnassigned,
)
from .procedure import DOMESTIC, tracks

__all__ = ["CASE", "MAX_LAWYERS", "Case", "CaseClosed", "CaseFlagCleared", "CaseFlagged", "CaseOpened",
           "CaseStageChanged", "CaseVictimJoined", "CaseVictimRemoved", "CourtChanged", "Flag", "LawyerAssigned",
           "LawyerUnassigned", "RemovedVictim", "StageStep", "VictimFlag", "VictimReferral", "case_id_for",
           "open_case", "require_distinct_lawyers", "require_open"]

MAX_LAWYERS = 20


def case_id_for(referral_id: str) -> str:
    """The one case a referral can open: its id derives from the referral's."""
    return derived_id("casework.case", referral_id)


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


class VictimReferral(BaseModel):
    """Which referral brought a victim into the case."""

    victim_id: str
    referral_id: str


class RemovedVictim(BaseModel):
    """A victim who left the case, and why."""

    victim_id: str
    reason: Flag


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
    victim_referrals: list[VictimReferral] = Field(default_factory=list,
                                                   description="The referral that brought each victim in")
    removed_victims: list[RemovedVictim] = Field(default_factory=list,
                                                 description="Victims who left the case, and why")

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
            if "victim_referrals" not in data and len(victims) == len(data.get("referral_ids") or []):
                data["victim_referrals"] = [{"victim_id": v, "referral_id": r}
                                            for v, r in zip(victims, data["referral_ids"], strict=True)]
        return data

    def referral_of(self, victim_id: str) -> str | None:
        """The referral that brought a victim into the case."""
        return next((v.referral_id for v in self.victim_referrals if v.victim_id == victim_id), None)

    def consenting_victims(self) -> list[str]:
        """The victims of the case with no flag: those it may still act for."""
        flagged = {f.victim_id for f in self.victim_flags}
        return [v for v in self.victim_ids if v not in flagged]

    def flags_of(self, victim_id: str) -> list[str]:
        """The flags about one victim of the case."""
        return sorted({f.flag for f in self.victim_flags if f.victim_id == victim_id})

    def stage_on(self, track: str) -> str:
        """The current stage of one track."""
        return self.stage if track == DOMESTIC else self.tracks.get(track, tracks()[track].initial)


def evolve(state: Case | None, event: DomainEvent) -> Case:
    """Apply one event to a case."""
    if isinstance(event, CaseOpened):
        first = [VictimReferral(victim_id=v, referral_id=event.referral_id) for v in event.victim_ids[:1]]
        return Case(id=event.case_id, referral_ids=[event.referral_id], victim_referrals=first,
                    **event.model_dump(exclude={"case_id"}))
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
            joined = VictimReferral(victim_id=event.victim_id, referral_id=event.referral_id)
            return state.model_copy(update={"victim_ids": [*state.victim_ids, event.victim_id],
                                            "referral_ids": [*state.referral_ids, event.referral_id],
                                            "victim_referrals": [*state.victim_referrals, joined]})
        case CaseVictimRemoved():
            left = RemovedVictim(victim_id=event.victim_id, reason=event.reason)
            removed = state.model_copy(update={"victim_ids": [v for v in state.victim_ids if v != event.victim_id],
                                               "removed_victims": [*state.removed_victims, left]})
            return _with_flags(removed, [f for f in state.victim_flags if f.victim_id != event.victim_id])
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
                             CourtChanged, CaseFlagged, CaseFlagCleared, CaseVictimJoined, CaseVictimRemoved),
                     evolve=evolve)


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
