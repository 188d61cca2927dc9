"""Current facts of each counted thing, folded from the consumed events about it (pure, no I/O).

The projection stores one record per consumed event (see projections.py); folding a subject's
records in source order gives its current facts. Folding is what makes the read model independent
of duplicates (a record per event id) and of the order in which different topics are delivered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

# Domestic stages (casework's procedure vocabulary) in procedural order; "trial" or later means the
# case reached trial. International tracks run in parallel and are not part of this pipeline.
STAGE_ORDER = ("referral_accepted", "complaint_civil_party", "preliminary_investigation", "judicial_investigation",
               "committal", "trial", "judgment", "appeal", "cassation", "enforcement_reparations", "closed")
DOMESTIC = "domestic"
TRIAL_OR_LATER = frozenset(STAGE_ORDER[STAGE_ORDER.index("trial"):STAGE_ORDER.index("closed")])

Record = Mapping[str, Any]


@dataclass(frozen=True)
class IncidentFacts:
    """What indicators count about one incident."""

    occurred_on: date
    region: str
    violation_types: tuple[str, ...]
    perpetrator_categories: tuple[str, ...]
    verification_status: str

    @property
    def verified(self) -> bool:
        return self.verification_status == "verified"


@dataclass(frozen=True)
class VictimFacts:
    """Demographic bands of one victim, under a one-way key.

    A victim is counted only while their latest consent allows anonymised statistics: intake
    announces the first consent with the registration, and until it arrives nobody is counted.
    """

    sex: str | None = None
    age_band: str | None = None
    region: str | None = None
    counted: bool = False


@dataclass(frozen=True)
class ReferralFacts:
    """One referral to legal support (the victim's bands come from the victim's facts)."""

    victim_key: str | None
    referred_on: date | None


@dataclass(frozen=True)
class CaseFacts:
    """One case's path through the procedure: the first date each stage was reached."""

    opened_on: date
    referral_id: str | None = None
    victim_keys: tuple[str, ...] = ()
    stage: str = "referral_accepted"
    reached: Mapping[str, date] = field(default_factory=dict)
    closed_on: date | None = None
    closure_reason: str | None = None

    def reached_on(self, stage: str) -> date | None:
        """When the case first reached a stage (None if never)."""
        return self.reached.get(stage)

    @property
    def reached_trial(self) -> bool:
        return any(s in TRIAL_OR_LATER for s in self.reached)


@dataclass(frozen=True)
class Sitting:
    """One date a hearing was set for, and what became of it."""

    on: date | None
    outcome: str  # held | postponed | cancelled | scheduled (still to come)


@dataclass(frozen=True)
class HearingFacts:
    """One hearing of a case: the sittings it went through."""

    case_id: str
    sittings: tuple[Sitting, ...] = ()

    @property
    def held_on(self) -> date | None:
        return next((s.on for s in self.sittings if s.outcome == "held"), None)


@dataclass(frozen=True)
class ReparationFacts:
    """One reparation measure: awarded (an amount in XOF when monetary) and what has been paid."""

    case_id: str
    measure: str | None = None
    awarded_on: date | None = None
    awarded_xof: int = 0
    paid_xof: int = 0
    payment_status: str = "not_paid"


@dataclass(frozen=True)
class SessionFacts:
    """One education session: where, when and how many people (youth apart)."""

    held_on: date
    region: str
    audience: int
    youth: int


def _ordered(records: Iterable[Record]) -> list[Record]:
    # Source order: producer time, then partition offset (one aggregate's events share a partition).
    return sorted(records, key=lambda r: (r["at"], r.get("offset", 0), r["_id"]))


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def group_by_subject(records: Iterable[Record]) -> dict[str, list[Record]]:
    """Records of one kind grouped by the thing they are about."""
    groups: dict[str, list[Record]] = {}
    for record in records:
        groups.setdefault(record["subject"], []).append(record)
    return groups


def fold_incident(records: Iterable[Record]) -> IncidentFacts | None:
    """Current facts of an incident; None until its documented event has arrived."""
    facts: IncidentFacts | None = None
    pending: list[Record] = []
    for r in _ordered(records):
        d = r["data"]
        if r["kind"] == "documented":
            facts = IncidentFacts(_day(d["occurred_on"]), d["region"], tuple(d["violation_types"]),  # type: ignore[arg-type]
                                  tuple(d["perpetrator_categories"]), d["verification_status"])
            for later in pending:
                facts = _apply_incident_change(facts, later)
            pending = []
        elif facts is None:
            pending.append(r)  # a change ordered before its documentation (clock skew): apply once documented
        else:
            facts = _apply_incident_change(facts, r)
    return facts


def _apply_incident_change(facts: IncidentFacts, record: Record) -> IncidentFacts:
    d = record["data"]
    if record["kind"] == "verification_changed":
        return replace(facts, verification_status=d["status"])
    changes: dict[str, Any] = {}
    if d.get("occurred_on"):
        changes["occurred_on"] = _day(d["occurred_on"])
    if d.get("region"):
        changes["region"] = d["region"]
    if d.get("violation_types") is not None:
        changes["violation_types"] = tuple(d["violation_types"])
    if d.get("perpetrator_categories") is not None:
        changes["perpetrator_categories"] = tuple(d["perpetrator_categories"])
    return replace(facts, **changes)


def fold_victim(records: Iterable[Record]) -> VictimFacts:
    """Bands of one victim and whether they may be counted (consent to statistics, not erased)."""
    facts = VictimFacts()
    for r in _ordered(records):
        d = r["data"]
        if r["kind"] == "registered":
            facts = replace(facts, sex=d.get("sex"), age_band=d.get("age_band"), region=d.get("region"))
        elif r["kind"] == "consent_changed":
            facts = replace(facts, counted=bool(d["statistics"]))
        elif r["kind"] == "erased":
            return VictimFacts(counted=False)  # erasure is final: nothing after it brings the victim back
    return facts


def fold_referral(records: Iterable[Record]) -> ReferralFacts | None:
    """A referral (referred once; a repeated event keeps the first date)."""
    first = next(iter(_ordered(records)), None)
    return ReferralFacts(first["data"].get("victim_key"), _day(first["data"].get("referred_on"))) if first else None


def fold_case(records: Iterable[Record]) -> CaseFacts | None:
    """A case's stages; None until its opened event has arrived."""
    opened: Record | None = None
    reached: dict[str, date] = {}
    joined: set[str] = set()
    stage, closed_on, reason = "referral_accepted", None, None
    for r in _ordered(records):
        d = r["data"]
        if r["kind"] == "opened":
            opened = d
            stage = d.get("stage") or stage
            _reach(reached, stage, _day(d["opened_on"]))
        elif r["kind"] == "victim_joined":
            joined.add(d["victim_key"])
        elif r["kind"] == "stage_changed" and d.get("track", DOMESTIC) == DOMESTIC:
            stage = d["to_stage"]
            _reach(reached, stage, _day(d["at"]))
        elif r["kind"] == "closed":
            stage, closed_on, reason = "closed", _day(d["at"]), d.get("reason")
            _reach(reached, "closed", closed_on)
    if opened is None:
        return None
    return CaseFacts(opened_on=_day(opened["opened_on"]), referral_id=opened.get("referral_id"),  # type: ignore[arg-type]
                     victim_keys=tuple(sorted({*opened.get("victim_keys", ()), *joined})), stage=stage,
                     reached=reached,
                     closed_on=closed_on, closure_reason=reason)


def _reach(reached: dict[str, date], stage: str, on: date | None) -> None:
    if on is not None and (stage not in reached or on < reached[stage]):
        reached[stage] = on


def fold_hearing(records: Iterable[Record]) -> HearingFacts | None:
    """A hearing's sittings: each reschedule postpones the date it was set for."""
    case_id: str | None = None
    sittings: list[Sitting] = []
    pending: date | None = None
    for r in _ordered(records):
        d = r["data"]
        case_id = case_id or d["case_id"]
        if r["kind"] == "scheduled":
            pending = _day(d["on"])
        elif r["kind"] == "rescheduled":
            sittings.append(Sitting(_day(d.get("previous")) or pending, "postponed"))
            pending = _day(d["on"])
        elif r["kind"] in ("held", "cancelled"):
            sittings.append(Sitting(_day(d["on"]), r["kind"]))
            pending = None
    if case_id is None:
        return None
    if pending is not None:
        sittings.append(Sitting(pending, "scheduled"))
    return HearingFacts(case_id=case_id, sittings=tuple(sittings))


def fold_reparation(records: Iterable[Record]) -> ReparationFacts | None:
    """A reparation measure: the award, then the latest payment record (it carries the total paid)."""
    facts: ReparationFacts | None = None
    for r in _ordered(records):
        d = r["data"]
        facts = facts or ReparationFacts(case_id=d["case_id"])
        if r["kind"] == "awarded":
            facts = replace(facts, measure=d["measure"], awarded_on=_day(d["awarded_on"]),
                            awarded_xof=d.get("amount_xof") or 0)
        elif r["kind"] == "paid":
            facts = replace(facts, payment_status=d["payment_status"], paid_xof=d["total_paid_xof"])
    return facts


def fold_session(records: Iterable[Record]) -> SessionFacts | None:
    """An education session (sessions are recorded once; the last record wins)."""
    facts = None
    for r in _ordered(records):
        d = r["data"]
        facts = SessionFacts(_day(d["held_on"]), d["region"], d["audience"], d["youth"])  # type: ignore[arg-type]
    return facts
