"""Verification of the hash chains that make the event history tamper-evident."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, Field

from .domain import AggregateType
from .eventstore import GENESIS_HASH, EventStore, canonical_hash

# Sorts after every zero-padded version: `<id>:~` bounds all the commits of aggregate <id>.
PAST_VERSIONS = ":~"


class ChainProblem(BaseModel):
    """One defect found in an aggregate's history."""

    aggregate_id: str
    version: int
    problem: str


class IntegrityReport(BaseModel):
    """Outcome of a verification: ok only when every chain is intact."""

    ok: bool
    aggregates_checked: int
    commits_checked: int
    problems: list[ChainProblem]
    commits_total: int | None = Field(
        default=None, description="Commits in the whole history (paged verification), to show progress")
    next_after: str | None = Field(
        default=None, description="Paged verification: pass it as `after` for the next page; null on the last page")


def verify_commits(aggregate_id: str, commits: Sequence[dict[str, Any]],
                   expected_version: int | None = None) -> list[ChainProblem]:
    """Check one aggregate's commits: contiguous versions, linked and recomputed hashes."""
    problems: list[ChainProblem] = []
    previous = GENESIS_HASH
    for position, commit in enumerate(sorted(commits, key=lambda c: c.get("version", 0)), start=1):
        version = commit.get("version", -1)
        if version != position:
            problems.append(ChainProblem(aggregate_id=aggregate_id, version=position,
                                         problem=f"missing commit (found version {version})"))
        if commit.get("prev_hash") != previous:
            problems.append(ChainProblem(aggregate_id=aggregate_id, version=version,
                                         problem="prev_hash does not match the previous commit"))
        if canonical_hash(commit) != commit.get("hash"):
            problems.append(ChainProblem(aggregate_id=aggregate_id, version=version,
                                         problem="content does not match its hash (edited)"))
        previous = commit.get("hash", "")
    if expected_version is not None and expected_version > len(commits):
        problems.append(ChainProblem(aggregate_id=aggregate_id, version=expected_version,
                                     problem="projection is ahead of history (commits deleted)"))
    return problems


async def verify_aggregate(store: EventStore, agg: AggregateType[Any], aggregate_id: str) -> IntegrityReport:
    """Verify one aggregate's chain against its projection version."""
    commits = await store.history(aggregate_id)  # probes by _id: indexed on both stores
    projection = await store.db[agg.collection].find_one({"_id": aggregate_id}, {"_version": 1})
    expected = projection["_version"] if projection else None
    problems = verify_commits(aggregate_id, commits, expected)
    return IntegrityReport(ok=not problems, aggregates_checked=1, commits_checked=len(commits), problems=problems)


async def verify_store(store: EventStore, aggs: Iterable[AggregateType[Any]]) -> IntegrityReport:
    """Verify every chain of the service (a full scan: an administrative operation, not a hot path)."""
    by_aggregate: dict[str, list[dict[str, Any]]] = defaultdict(list)
    async for commit in store.events.find({}):
        by_aggregate[commit.get("aggregate_id", "?")].append(commit)
    expected: dict[str, int] = {}
    for agg in aggs:
        async for doc in store.db[agg.collection].find({}, {"_version": 1}):
            expected[doc["_id"]] = doc.get("_version", 0)
    problems: list[ChainProblem] = []
    for aggregate_id in sorted(set(by_aggregate) | set(expected)):
        problems += verify_commits(aggregate_id, by_aggregate.get(aggregate_id, []), expected.get(aggregate_id))
    commits = sum(len(c) for c in by_aggregate.values())
    return IntegrityReport(ok=not problems, aggregates_checked=len(by_aggregate), commits_checked=commits,
                           problems=problems)


async def verify_page(store: EventStore, aggs: Iterable[AggregateType[Any]], *, after: str | None,
                      limit: int) -> IntegrityReport:
    """Verify the chains of the aggregates whose ids follow `after`, about `limit` commits at a time.

    Commit ids sort by aggregate then version, so a page is a range of ids; the last aggregate of a
    page is read to its end. Projections in the same range without any history are reported too.
    """
    by_type = {agg.name: agg for agg in aggs}
    low = f"{after}{PAST_VERSIONS}" if after is not None else ""
    page = await store.events.find({"_id": {"$gt": low}}).sort("_id", 1).limit(limit).to_list()
    by_aggregate: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for commit in page:
        by_aggregate[commit["_id"].rsplit(":", 1)[0]].append(commit)
    last = next(reversed(by_aggregate), None)
    if last is not None and len(page) == limit:  # the last aggregate may go on past the page
        rest = {"$gt": page[-1]["_id"], "$lt": f"{last}{PAST_VERSIONS}"}
        by_aggregate[last] += await store.events.find({"_id": rest}).sort("_id", 1).to_list()
    problems: list[ChainProblem] = []
    for aggregate_id, commits in by_aggregate.items():
        agg = by_type.get(commits[0].get("aggregate_type", ""))
        projection = await store.db[agg.collection].find_one({"_id": aggregate_id}, {"_version": 1}) if agg else None
        problems += verify_commits(aggregate_id, commits, projection["_version"] if projection else None)
    full = len(page) == limit
    problems += await _projections_without_history(store, by_type.values(), low, last if full else None,
                                                   set(by_aggregate))
    return IntegrityReport(ok=not problems, aggregates_checked=len(by_aggregate),
                           commits_checked=sum(len(c) for c in by_aggregate.values()), problems=problems,
                           commits_total=await store.events.estimated_document_count(),
                           next_after=last if full else None)


async def _projections_without_history(store: EventStore, aggs: Iterable[AggregateType[Any]], low: str,
                                       high: str | None, seen: set[str]) -> list[ChainProblem]:
    """Projections whose id falls in the page's range but that have no commit at all (history deleted)."""
    bounds: dict[str, str] = {"$gt": low} | ({"$lte": high} if high is not None else {})
    problems = []
    for agg in aggs:
        async for doc in store.db[agg.collection].find({"_id": bounds}, {"_version": 1}):
            if doc["_id"] not in seen and doc.get("_version", 0) > 0:
                problems += verify_commits(doc["_id"], [], doc["_version"])
    return problems
