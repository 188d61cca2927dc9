"""The API reads the indicators' facts when it starts and after a rebuild, so an analyst's first question does not.

Store commands are counted by a PyMongo listener registered when this module is imported, before any client of
the tests is built (a count, never a time). The API under test is a second advocacy instance on the harness's
database (`another_deps`), run with its app's lifespan, which starts its background tasks.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from advocacy.domain import published
from advocacy.domain.rows import Period
from advocacy.projections import KINDS, CurrentFacts, ReadModel
from advocacy.projections.readmodel import high_waters
from advocacy.replay import rebuild
from advocacy.subscriptions import GROUPS
from servicekit.devtokens import mint_token
from servicekit.ids import new_id
from servicekit.testing import store_commands

pytestmark = pytest.mark.integration

COMMANDS = store_commands()  # before the harness and the API under test build their clients
REGIONS = ("mopti", "segou", "gao", "tombouctou", "kidal")


def incident(advocacy, n: int):
    return advocacy.event("intake.incident.documented.v1", new_id(), {
        "organisation": "org-amdh", "occurred_on": f"{2020 + n % 3}-0{1 + n % 9}-1{n % 10}",
        "region": REGIONS[n % len(REGIONS)], "violation_types": ["killing"],
        "perpetrator_categories": ["jihadist_armed_groups"]})


def victim(advocacy, n: int):
    victim_id = new_id()
    return advocacy.event("intake.victim.registered.v1", victim_id, {
        "victim_id": victim_id, "organisation": "org-amdh", "sex": "female" if n % 2 else "male",
        "age_band": "25-39", "region": REGIONS[n % len(REGIONS)]})


async def deliver(advocacy, incidents: int, victims: int) -> None:
    """Publish some facts and wait until the live generation marks every delivery."""
    log = await advocacy.deps.projections.live()
    marks = log.db[f"g{log.generation:04d}_marks"]
    expected = await marks.count_documents({}) + incidents + victims
    for n in range(incidents):
        await advocacy.publish("intake.incidents", incident(advocacy, n))
    for n in range(victims):
        await advocacy.publish("intake.victims", victim(advocacy, n))

    async def marked() -> bool:
        return await marks.count_documents({}) == expected

    await advocacy.eventually(marked, "every delivery marked")


def fact_reads(commands: list[str]) -> list[str]:
    """The reads of a generation's fact records among store commands (its marks are not facts)."""
    return [c for c in commands if c.split()[0] in {"find", "getMore", "aggregate"} and " g0" in c
            and not c.endswith("_marks")]


async def folded_in_full(deps) -> dict[str, Any]:
    log = await deps.projections.live()
    facts = CurrentFacts(**{kind: await log.folded(kind) for kind in KINDS})
    return published.publish(published.Inputs(facts=facts, period=Period(None, None), verified_only=False,
                                              k=deps.suppression_k))


@asynccontextmanager
async def started_api(advocacy) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    """A second advocacy API on the same database, started (its lifespan runs its tasks), and an analyst of it."""
    deps = advocacy.another_deps(advocacy.settings.model_copy(update={"read_model_follow_seconds": 0.2}))
    app = advocacy.spec.build_app(deps)
    token = mint_token(advocacy.private_key, subject="analyst-1", roles=["analyst"], org="org-amdh")
    COMMANDS.database = advocacy.settings.database_name
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://advocacy",
            headers={"Authorization": f"Bearer {token}"}) as analyst:
        yield deps, analyst  # the lifespan closes the instance's client
    COMMANDS.database = None


async def held(advocacy, deps, generation: int) -> None:
    """Wait until the API under test holds a generation and the dashboard's first answer, both by its own task."""
    async def probe() -> bool:
        state, answers = deps.read_model.state, deps.read_model.answers
        return state is not None and state.generation == generation and bool(answers)

    await advocacy.eventually(probe, f"the API holding generation {generation}")


async def test_after_a_start_the_dashboard_first_question_reads_no_fact_and_is_answered_ahead(advocacy):
    await deliver(advocacy, incidents=40, victims=10)
    async with started_api(advocacy) as (deps, analyst):
        await held(advocacy, deps, await advocacy.deps.projections.live_generation())
        COMMANDS.take()

        (_, ahead), = deps.read_model.answers.values()

        answer = await analyst.get("/indicators")

        assert answer.status_code == 200
        assert fact_reads(COMMANDS.take()) == []
        assert answer.json()["computed_at"] == ahead.computed_at.isoformat()  # the answer given ahead
        assert answer.json()["indicators"] == as_sent(await folded_in_full(deps))


async def test_a_question_during_the_warm_up_waits_for_that_read_and_starts_no_second_one(advocacy):
    await deliver(advocacy, incidents=20, victims=5)
    read_model = ReadModel(advocacy.deps.projections)
    COMMANDS.database = advocacy.settings.database_name
    COMMANDS.take()
    warming = asyncio.create_task(read_model.warm())
    while not read_model._lock.locked():  # the warm-up holds the read model: the question comes during it
        await asyncio.sleep(0)
    question = asyncio.create_task(read_model.current(KINDS))
    await asyncio.gather(warming, question)
    commands = fact_reads(COMMANDS.take())
    COMMANDS.database = None

    generation = read_model.state.generation if read_model.state else None
    assert sorted(commands) == sorted(f"find g{generation:04d}_{kind}" for kind in KINDS)  # each kind read once


async def test_after_a_rebuild_the_api_reads_the_new_generation_before_any_question(advocacy):
    await deliver(advocacy, incidents=10, victims=3)
    async with started_api(advocacy) as (deps, analyst):
        await held(advocacy, deps, await advocacy.deps.projections.live_generation())

        result = await rebuild(advocacy.deps, GROUPS)
        await held(advocacy, deps, result.generation)
        COMMANDS.take()

        answer = await analyst.get("/indicators")
        assert answer.json()["generation"] == result.generation
        assert fact_reads(COMMANDS.take()) == []
        assert answer.json()["indicators"] == as_sent(await folded_in_full(deps))


async def test_each_partition_high_water_is_its_last_mark(advocacy):
    await deliver(advocacy, incidents=15, victims=6)
    log = await advocacy.deps.projections.live()
    last: dict[tuple[str, int], int] = {}
    async for mark in log.db[f"g{log.generation:04d}_marks"].find({}):
        topic, partition, offset = mark["_id"].rsplit(":", 2)
        last[topic, int(partition)] = max(last.get((topic, int(partition)), -1), int(offset))

    assert len(last) >= 3  # several topics and partitions
    assert await high_waters(log.db, log.generation) == last
    assert await high_waters(log.db, log.generation + 100) == {}  # a generation with no marks


def as_sent(indicators: dict[str, Any]) -> Any:
    """The figures as the API sends them (JSON: tuples become lists)."""
    return json.loads(json.dumps(indicators, default=str))
