"""The stage machine of a case: the Malian procedure plus parallel international tracks (no I/O).

The transition table is data (vocabularies/procedure.json) so partners can review it with counsel;
this module validates it once and answers "may a case move from A to B, and if not, where may it go".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

from servicekit.errors import Conflict, InvalidInput
from servicekit.vocabulary import UnknownTerm, VocabularyDataError, term_of

from ..vocabularies import table

DOMESTIC = "domestic"
CLOSED = "closed"
ANY_STAGE = "*"


@dataclass(frozen=True)
class Stage:
    """One stage of a track and the stages it may move to."""

    code: str
    label_fr: str
    label_en: str
    next: tuple[str, ...]


@dataclass(frozen=True)
class ClosureReason:
    """Why a case closed, and the stages it may close from."""

    code: str
    label_fr: str
    label_en: str
    from_stages: frozenset[str]


@dataclass(frozen=True)
class Track:
    """A procedure a case follows: the domestic one, or an international body's."""

    code: str
    label_fr: str
    label_en: str
    initial: str
    stages: Mapping[str, Stage]
    closure_reasons: Mapping[str, ClosureReason]

    def allowed_next(self, stage: str) -> tuple[str, ...]:
        """Stages reachable in one step from `stage`."""
        return self.stages[stage].next


def _stages(entries: list[dict[str, Any]]) -> dict[str, Stage]:
    stages = {}
    for entry in entries:
        term = term_of(entry)
        stages[term.code] = Stage(term.code, term.label_fr, term.label_en, tuple(entry["next"]))
    return stages


def _closure_reasons(entries: list[dict[str, Any]], stages: Mapping[str, Stage]) -> dict[str, ClosureReason]:
    reasons = {}
    for entry in entries:
        term = term_of(entry)
        sources = entry["from"]
        from_stages = frozenset(s for s in stages if s != CLOSED) if sources == ANY_STAGE else frozenset(sources)
        reasons[term.code] = ClosureReason(term.code, term.label_fr, term.label_en, from_stages)
    return reasons


def _check(track: Track) -> Track:
    """Refuse a malformed table at import: unknown targets, a non-terminal 'closed', a missing initial."""
    codes = set(track.stages)
    if track.initial not in codes or CLOSED not in codes or track.stages[CLOSED].next:
        raise VocabularyDataError(f"track {track.code}: needs its initial stage and a terminal 'closed'")
    for stage in track.stages.values():
        if not set(stage.next) <= codes or stage.code in stage.next:
            raise VocabularyDataError(f"track {track.code}: stage {stage.code} has unknown or self transitions")
    for reason in track.closure_reasons.values():
        if not reason.from_stages <= codes - {CLOSED}:
            raise VocabularyDataError(f"track {track.code}: closure reason {reason.code} names unknown stages")
    return track


@cache
def tracks() -> Mapping[str, Track]:
    """Every track of the procedure, by code; the domestic one first."""
    data = table("procedure").extra
    found: dict[str, Track] = {}
    for entry in data["tracks"]:
        term = term_of(entry)
        ladder = data["ladders"][entry["ladder"]] if "ladder" in entry else entry
        stages = _stages(ladder["stages"])
        reasons = _closure_reasons(entry.get("closure_reasons", []), stages)
        found[term.code] = _check(Track(term.code, term.label_fr, term.label_en, ladder["initial"],
                                        MappingProxyType(stages), MappingProxyType(reasons)))
    if DOMESTIC not in found:
        raise VocabularyDataError("procedure.json lacks the domestic track")
    return MappingProxyType(found)


def international_tracks() -> tuple[str, ...]:
    """Codes of the parallel international tracks."""
    return tuple(code for code in tracks() if code != DOMESTIC)


def require_track(code: str) -> Track:
    """The track of `code`, or a 422 naming the allowed tracks."""
    known = tracks()
    if code not in known:
        raise UnknownTerm("track", code, list(known), vocabulary="tracks")
    return known[code]


def check_transition(track_code: str, from_stage: str, to_stage: str, closure_reason: str | None) -> None:
    """Allow a move or raise: 422 for an unknown stage or reason, 409 naming the allowed next stages."""
    track = require_track(track_code)
    if to_stage not in track.stages:
        raise InvalidInput("stage_not_in_track", field="to_stage", track=track_code, allowed=list(track.stages))
    allowed = track.allowed_next(from_stage)
    if to_stage not in allowed:
        raise Conflict("stage_move_not_allowed", field="to_stage", track=track_code, from_stage=from_stage,
                       to_stage=to_stage, allowed_next=list(allowed))
    _check_closure_reason(track, from_stage, to_stage, closure_reason)


def _check_closure_reason(track: Track, from_stage: str, to_stage: str, reason: str | None) -> None:
    if to_stage != CLOSED or not track.closure_reasons:
        if reason is not None:
            raise InvalidInput("closure_reason_only_when_closing",
                               field="closure_reason")
        return
    if reason is None:
        raise InvalidInput("closure_reason_required", field="closure_reason", allowed=list(track.closure_reasons))
    if reason not in track.closure_reasons:
        raise UnknownTerm("closure_reason", reason, list(track.closure_reasons), vocabulary="closure_reasons")
    possible = sorted(c for c, r in track.closure_reasons.items() if from_stage in r.from_stages)
    if from_stage not in track.closure_reasons[reason].from_stages:
        raise Conflict("closure_reason_not_allowed", field="closure_reason", from_stage=from_stage, reason=reason,
                       allowed=possible)
