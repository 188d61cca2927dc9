"""Concurrent stage changes on one case: one winner per move, a contiguous, intact history."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from casework.domain.case import CASE
from casework.domain.procedure import tracks
from servicekit.integrity import verify_aggregate

pytestmark = pytest.mark.integration


async def test_concurrent_stage_changes_keep_a_contiguous_history(cw):
    case_id, _ = await cw.open_case()
    moves = [{"to_stage": "complaint_civil_party"}] * 4 + [{"track": "icc", "to_stage": "communication_submitted"}] * 4
    headers = cw.headers("lawyer", sub="lawyer-a")
    responses = await asyncio.gather(*(cw.client.post(f"/cases/{case_id}/stage", json=m, headers=headers)
                                       for m in moves))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 200, 409, 409, 409, 409, 409, 409]
    history = await cw.deps.core.store.history(case_id)
    assert [c["version"] for c in history] == list(range(1, len(history) + 1))
    changes = [e["data"] for c in history for e in c["events"] if e["type"] == "casework.case.stage_changed.v1"]
    assert sorted((c["track"], c["from_stage"], c["to_stage"]) for c in changes) == [
        ("domestic", "referral_accepted", "complaint_civil_party"), ("icc", "not_started", "communication_submitted")]
    assert (await verify_aggregate(cw.deps.core.store, CASE, case_id)).ok


async def test_a_chain_of_concurrent_advances_never_skips_a_stage(cw):
    case_id, _ = await cw.open_case()
    path = ["complaint_civil_party", "judicial_investigation", "committal", "trial", "judgment"]
    headers = cw.headers("case_manager")
    for _ in range(3):
        await asyncio.gather(*(cw.client.post(f"/cases/{case_id}/stage", json={"to_stage": s}, headers=headers)
                               for s in path))
    steps = [(s.from_stage, s.to_stage) for s in (await cw.deps.core.store.load(CASE, case_id)).state.history]
    assert steps[0] == ("referral_accepted", "complaint_civil_party")
    assert all(prev[1] == nxt[0] for prev, nxt in itertools.pairwise(steps))
    assert all(to in tracks()["domestic"].allowed_next(source) for source, to in steps)
    assert (await verify_aggregate(cw.deps.core.store, CASE, case_id)).ok
