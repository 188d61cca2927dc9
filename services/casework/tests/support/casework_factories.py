"""Factories of domain states for unit tests (no I/O)."""

from __future__ import annotations

from datetime import date, datetime

from casework.domain.case import CASE, Case, VictimFlag, open_case
from casework.domain.common import BAMAKO

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=BAMAKO)


def a_case(*, stage: str | None = None, tracks: dict[str, str] | None = None, flags: list[str] | None = None,
           lawyers: list[str] | None = None) -> Case:
    """An open case, optionally placed at a stage (no history: as if loaded)."""
    events = open_case(None, case_id="case-1", referral_id="ref-1", organisation="org-legal", victim_id="vic-1",
                       incident_ids=["inc-1"], lawyers=lawyers or ["lawyer-a"], court=None, today=TODAY)
    case = CASE.fold("case-1", None, events)
    assert case is not None
    update: dict[str, object] = {"flags": flags or [], "tracks": tracks or {},
                                 "victim_flags": [VictimFlag(victim_id="vic-1", flag=f) for f in flags or []]}
    if stage is not None:
        update["stage"] = stage
    return case.model_copy(update=update)
