"""Collective cases: victims joining and leaving, and which stage moves need every victim's consent (no I/O).

A victim who withdraws her legal-support consent or is erased leaves a case that has other victims: her
name, her notes and her pending messages go with her, and the case goes on for the others. The last
victim of a case is flagged instead, so the case keeps its record until it is closed. Which moves a case
may make while one of its victims has withdrawn is decided by the table `vocabularies/consent_rules.json`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from servicekit.domain import DomainEvent
from servicekit.errors import Conflict, NotFound
from servicekit.vocabulary import VocabularyDataError

from ..vocabularies import table
from .case import Case, CaseFlagged, CaseVictimJoined, CaseVictimRemoved, Flag, require_open
from .procedure import CLOSED, DOMESTIC, tracks

EVERY_VICTIM = "every_victim"
ONE_VICTIM = "one_victim"
ALWAYS = "none"
INTERNATIONAL = "international"


@cache
def consent_rules() -> Mapping[tuple[str, str], str]:
    """(track kind, stage entered) -> the consent the move needs; every stage of every track is decided."""
    data = table("consent_rules").extra
    levels = {level["code"] for level in data["levels"]}
    rules = {(row["track"], row["to_stage"]): row["consent"] for row in data["moves"]}
    for code, track in tracks().items():
        kind = DOMESTIC if code == DOMESTIC else INTERNATIONAL
        targets = {target for stage in track.stages.values() for target in stage.next}
        undecided = sorted(t for t in targets if rules.get((kind, t)) not in levels)
        if undecided:
            raise VocabularyDataError(f"consent_rules.json decides nothing for {code}: {', '.join(undecided)}")
    return MappingProxyType(rules)


def consent_needed(track: str, to_stage: str) -> str:
    """every_victim, one_victim or none, for entering `to_stage` on `track`."""
    return consent_rules()[(DOMESTIC if track == DOMESTIC else INTERNATIONAL, to_stage)]


def refusal(case: Case, track: str, to_stage: str) -> Conflict | None:
    """Why the consent rules forbid this move for this case now, or None when they allow it."""
    needed = consent_needed(track, to_stage)
    consenting = case.consenting_victims()
    if needed != ALWAYS and not consenting:
        closable = CLOSED in tracks()[track].allowed_next(case.stage_on(track))
        return Conflict("case_flagged_close_only", field="to_stage", flags=list(case.flags),
                        allowed_next=[CLOSED] if closable else [])
    if needed == EVERY_VICTIM and len(consenting) < len(case.victim_ids):
        withdrawn = sorted(set(case.victim_ids) - set(consenting))
        return Conflict("every_victim_consent_needed", field="to_stage", victims_without_consent=withdrawn)
    return None


def moves_allowed(case: Case, track: str) -> list[str]:
    """The stages `track` may move to next, by the procedure and by the consent rules."""
    code = tracks()[track]
    current = case.stage_on(track)
    return [stage for stage in code.allowed_next(current) if refusal(case, track, stage) is None]


def join_victim(state: Case, *, victim_id: str, referral_id: str) -> list[DomainEvent]:
    """Accept a referral's victim into this case: refused when closed, when no victim of it consents any more, or
    when the victim is already in it. The same referral joining again (a retried acceptance) is a no-op."""
    if referral_id in state.referral_ids:
        return []
    require_open(state)
    if not state.consenting_victims():
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


def leave(state: Case | None, *, victim_id: str, reason: Flag) -> list[DomainEvent]:
    """A victim withdrew or was erased: she leaves a case that has other victims; the last one is flagged.

    Closed cases too (their record must not keep her). Decided on the very state committed against, so two
    victims leaving at once never both leave: the second is then the last, and flagged."""
    if state is None or victim_id not in state.victim_ids:
        return []
    if len(state.victim_ids) > 1:
        return [CaseVictimRemoved(case_id=state.id, victim_id=victim_id, referral_id=state.referral_of(victim_id),
                                  reason=reason)]
    if reason in state.flags_of(victim_id):
        return []
    return [CaseFlagged(case_id=state.id, victim_id=victim_id, flag=reason)]
