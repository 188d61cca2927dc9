"""Commit documents, the projection cache and the commit signal, without I/O."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from servicekit.commits import (
    OUTBOX_FIELD,
    PENDING,
    CommandContext,
    CommitHeader,
    canonical_hash,
    commit_document,
    envelopes,
)
from servicekit.projections import Loaded, ProjectionCache
from servicekit.signals import CommitSignal

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tally import TallyOpened, tally_type

EVENT_ID = "2f1d3a52-8c1e-4f0b-9d6a-2b7f3e5c9a10"
HEADER = CommitHeader("tally-1", "tally", 1, "0" * 64, "kit.tallies", "/redress/kit")


def _commit() -> dict:
    return commit_document(HEADER, [TallyOpened(label="t")], [EVENT_ID], CommandContext(actor="a"), None)


def test_a_new_commit_is_pending_and_its_marker_is_outside_the_hash():
    commit = _commit()
    assert commit[OUTBOX_FIELD] == PENDING
    published = {k: v for k, v in commit.items() if k != OUTBOX_FIELD}
    assert canonical_hash(published) == canonical_hash(commit) == commit["hash"]


def test_an_edited_commit_no_longer_matches_its_hash():
    commit = _commit()
    commit["events"][0]["data"]["label"] = "edited"
    assert canonical_hash(commit) != commit["hash"]


def test_the_relay_publishes_a_commit_as_the_events_it_holds():
    [env] = envelopes(_commit())
    assert (env.id, env.subject, env.source, env.type, env.data) == (
        EVENT_ID, "tally-1", "/redress/kit", TallyOpened.event_type, {"label": "t"})


def test_the_cache_forgets_the_least_recently_used_aggregate_first():
    agg, cache = tally_type("kit.tallies"), ProjectionCache(size=2)
    for name in ("a", "b"):
        cache.put(agg, name, Loaded(state=None, version=1, last_hash="h", keys=()))
    assert cache.get(agg, "a") is not None  # "a" used last: "b" goes first
    cache.put(agg, "c", Loaded(state=None, version=1, last_hash="h", keys=()))
    assert cache.get(agg, "b") is None and cache.get(agg, "a") is not None and cache.get(agg, "c") is not None


def test_a_stale_entry_is_forgotten():
    agg, cache = tally_type("kit.tallies"), ProjectionCache()
    cache.put(agg, "a", Loaded(state=None, version=3, last_hash="h", keys=()))
    cache.forget(agg, "a")
    assert cache.get(agg, "a") is None


def test_a_commit_wakes_every_waiter_of_the_process():
    async def scenario() -> list[bool]:
        signal = CommitSignal()
        waiters = [signal.subscribe(), signal.subscribe()]
        signal.notify()
        return [w.is_set() for w in waiters]

    assert asyncio.run(scenario()) == [True, True]
