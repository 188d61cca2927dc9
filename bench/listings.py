"""The services' own read paths on seeded stores: intake's incident listing, casework's inbox and
"my cases", advocacy's indicators and its rebuild by replay.

Each calls the service's query code (not a copy of its queries), so when a service reshapes a query or
declares an index, this bench measures the new shape.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import domains
from advocacy import figures
from advocacy.bootstrap import Deps as AdvocacyDeps
from advocacy.bootstrap import build_deps as advocacy_deps
from advocacy.config import Settings as AdvocacySettings
from advocacy.replay import rebuild
from advocacy.subscriptions import GROUPS as ADVOCACY_GROUPS
from casework.domain.access import CASE_MANAGER, LAWYER, Access
from casework.domain.case import CASE
from casework.domain.referral import REFERRAL
from casework.queries import Queries
from intake.domain.access import Viewer
from intake.domain.incident import INCIDENT
from intake.queries import IncidentFilter, IncidentQueries
from paths import Budget, Measurement, measure
from pymongo.asynchronous.database import AsyncDatabase
from seed import seed_aggregates
from servicekit.envelope import Envelope, utcnow
from servicekit.eventstore import EventStore
from servicekit.kafka import ensure_topics, idempotent_producer

Shapes = list[tuple[str, Callable[[], Awaitable[Any]]]]


async def measure_shapes(shapes: Shapes, budget: Budget) -> tuple[Measurement, dict[str, list[float]]]:
    """Round-robin over query shapes; the overall measurement and each shape's latencies (seconds)."""
    by_shape: dict[str, list[float]] = {name: [] for name, _ in shapes}

    async def one(i: int) -> None:
        name, query = shapes[i % len(shapes)]
        t0 = time.perf_counter()
        await query()
        by_shape[name].append(time.perf_counter() - t0)

    return await measure(one, budget), by_shape


async def seed_intake(db: AsyncDatabase[Any], start: int, stop: int) -> int:
    """Grow intake's incidents (projections and their commits) to `stop`."""
    store = EventStore(db, source="/redress/intake")
    seeded = await seed_aggregates(store, INCIDENT, stop - start, lambda i: domains.incident(start + i))
    return seeded.projections + seeded.commits


def intake_shapes(db: AsyncDatabase[Any]) -> Shapes:
    """What monitors and officers ask of the incident list: a first page, filters, the next page."""
    queries = IncidentQueries(db[INCIDENT.collection])
    monitor = Viewer.of(domains.DOCUMENTERS[0], {"monitor"})
    officer = Viewer.of(domains.DOCUMENTERS[1], {"documentation_officer"})

    async def second_page() -> None:
        _, next_cursor = await queries.page(monitor, IncidentFilter(), cursor=None, limit=50)
        if next_cursor:
            await queries.page(monitor, IncidentFilter(), cursor=next_cursor, limit=50)

    return [
        ("first page", lambda: queries.page(monitor, IncidentFilter(), cursor=None, limit=50)),
        ("region", lambda: queries.page(monitor, IncidentFilter(region="mopti"), cursor=None, limit=50)),
        ("violation type (with descendants)", lambda: queries.page(
            officer, IncidentFilter(violation_type="killings"), cursor=None, limit=50)),
        ("dates and verification", lambda: queries.page(officer, IncidentFilter(
            date_from=date(2019, 1, 1), date_to=date(2020, 12, 31), verification_status="verified"),
            cursor=None, limit=50)),
        ("first and second page", second_page),
    ]


async def seed_casework(db: AsyncDatabase[Any], start: int, stop: int) -> int:
    """Grow casework's referrals to `stop` and the cases of the accepted ones."""
    store = EventStore(db, source="/redress/casework")
    referrals = await seed_aggregates(store, REFERRAL, stop - start, lambda i: domains.referral(start + i))
    cases = await seed_aggregates(store, CASE, stop - start, lambda i: domains.case(start + i))
    return referrals.projections + referrals.commits + cases.projections + cases.commits


def casework_shapes(db: AsyncDatabase[Any]) -> tuple[Shapes, Shapes]:
    """The shared inbox (pending referrals, oldest first) and a lawyer's / case manager's case lists."""
    queries = Queries(db)
    organisation = domains.LEGAL_AID[0]
    lawyer = Access(subject=domains.LAWYERS[7], roles=frozenset({LAWYER}), organisation=organisation)
    manager = Access(subject="manager-1", roles=frozenset({CASE_MANAGER}), organisation=organisation)
    inbox: Shapes = [
        ("pending", lambda: queries.referrals(status="pending", organisation=organisation)),
        ("decided by us", lambda: queries.referrals(status="accepted", organisation=organisation)),
    ]
    cases: Shapes = [
        ("a lawyer's cases", lambda: queries.cases(lawyer)),
        ("a lawyer's open cases", lambda: queries.cases(lawyer, status="open")),
        ("a case manager's cases", lambda: queries.cases(manager)),
    ]
    return inbox, cases


@dataclass
class Advocacy:
    """Advocacy on its own database and topic namespace, fed with intake's events on the broker."""

    deps: AdvocacyDeps
    namespace: str
    bootstrap: str

    @classmethod
    async def start(cls, bootstrap: str, mongo_url: str, db: str) -> Advocacy:
        namespace = f"bench{uuid.uuid4().hex[:6]}."
        settings = AdvocacySettings(kafka_bootstrap=bootstrap, mongo_url=mongo_url, mongo_db=db,
                                    topic_namespace=namespace)
        topics = {namespace + t for g in ADVOCACY_GROUPS for t in g.topics}
        await ensure_topics(bootstrap, topics, partitions=3)
        return cls(advocacy_deps(settings, authenticate=False), namespace, bootstrap)

    async def grow(self, start: int, stop: int) -> int:
        """Publish incidents start..stop as intake's relay would (documented events on intake.incidents)."""
        producer = idempotent_producer(self.bootstrap, client_id="bench-intake")
        await producer.start()
        try:
            for i in range(start, stop):
                event = domains.documented(i)
                envelope = Envelope(id=domains.stable_id("event", i), source="/redress/intake",
                                    type=event.event_type, subject=domains.stable_id("incident", i),
                                    time=utcnow(),
                                    data=event.model_dump(mode="json"))
                await producer.send(self.namespace + "intake.incidents", envelope.value(), key=envelope.key(),
                                    headers=envelope.headers())
            await producer.flush()
        finally:
            await producer.stop()
        return stop - start

    async def rebuild(self, timeout: float) -> tuple[int, float]:
        """Replay every consumed topic into a new generation; (events replayed, seconds)."""
        started = time.perf_counter()
        result = await rebuild(self.deps, ADVOCACY_GROUPS, timeout=timeout)
        return result.replayed, time.perf_counter() - started

    def shapes(self) -> Shapes:
        return [
            ("all indicators", lambda: figures.snapshot(self.deps)),
            ("incidents section, verified only", lambda: figures.snapshot(
                self.deps, sections=["incidents"], verified_only=True)),
        ]

