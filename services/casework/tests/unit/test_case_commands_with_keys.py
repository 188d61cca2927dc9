"""Casework's case handlers on the kit's in-memory event store: the key policy and visibility, no I/O."""

from __future__ import annotations

from functools import partial
from types import SimpleNamespace

import pytest
from casework import handlers
from casework.domain.case import CASE, open_case
from casework_factories import NOW, TODAY
from servicekit.api import Caller, RequestKey
from servicekit.errors import Conflict, NotFound
from servicekit.eventstore import CommandContext
from servicekit.testing import FakeClock, MemoryEventStore

LAWYER = Caller(subject="lawyer-a", roles=frozenset({"lawyer"}), organisation="org-legal", is_service=False,
                context=CommandContext(actor="lawyer-a"))
STRANGER = Caller(subject="lawyer-z", roles=frozenset({"lawyer"}), organisation="org-legal", is_service=False,
                  context=CommandContext(actor="lawyer-z"))
MOVE = {"track": "domestic", "to_stage": "complaint_civil_party"}


async def casework_with_a_case() -> SimpleNamespace:
    """The parts of casework's deps a case command uses, with one open case of lawyer-a."""
    store = MemoryEventStore()
    await store.execute(CASE, "case-1", partial(
        open_case, case_id="case-1", referral_id="ref-1", organisation="org-legal", victim_id="vic-1",
        incident_ids=[], lawyers=["lawyer-a"], court=None, today=TODAY), context=CommandContext(actor="cm-1"))
    return SimpleNamespace(core=SimpleNamespace(store=store, clock=FakeClock(NOW)))


async def move(deps: SimpleNamespace, key: RequestKey | None, *, caller: Caller = LAWYER,
               to_stage: str = "complaint_civil_party") -> None:
    await handlers.change_stage(deps, caller, key, handlers.access_of(caller), "case-1",  # type: ignore[arg-type]
                                track="domestic", to_stage=to_stage, closure_reason=None, effective_on=None)


async def test_a_stage_move_retried_with_its_key_is_stored_once():
    deps = await casework_with_a_case()
    key = RequestKey.of(LAWYER, "key-move-1", MOVE)
    await move(deps, key)
    await move(deps, key)
    assert [e.event_type for e in deps.core.store.events_of(CASE, "case-1")] == [
        "casework.case.opened.v1", "casework.case.stage_changed.v1"]


async def test_the_key_of_a_stage_move_reused_for_another_stage_is_refused_and_nothing_is_stored():
    deps = await casework_with_a_case()
    await move(deps, RequestKey.of(LAWYER, "key-move-2", MOVE))
    with pytest.raises(Conflict) as refused:
        await move(deps, RequestKey.of(LAWYER, "key-move-2", MOVE | {"to_stage": "closed"}), to_stage="closed")
    assert (refused.value.code, refused.value.field) == ("idempotency_key_reused", "Idempotency-Key")
    assert len(deps.core.store.history(CASE, "case-1")) == 2


async def test_a_lawyer_not_on_the_case_moving_it_finds_no_case():
    deps = await casework_with_a_case()
    with pytest.raises(NotFound):
        await move(deps, None, caller=STRANGER)
    assert len(deps.core.store.history(CASE, "case-1")) == 1


async def test_a_colleague_replaying_a_key_on_a_case_they_do_not_see_finds_no_case():
    deps = await casework_with_a_case()
    await move(deps, RequestKey.of(LAWYER, "key-move-3", MOVE))
    # Keys are the organisation's: the colleague's replay matches, but must not show the case.
    with pytest.raises(NotFound):
        await move(deps, RequestKey.of(STRANGER, "key-move-3", MOVE), caller=STRANGER)

