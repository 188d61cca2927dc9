"""An API process's background tasks (`ServiceSpec.api_tasks`) live and die with the app's lifespan; a failing one
does not end the app, and the app serves while they run."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI
from servicekit.devtokens import ensure_dev_keypair
from servicekit.service import Task, build_core, service_app, token_verifier
from servicekit.settings import BaseServiceSettings
from servicekit.testing import eventually, unique_name

pytestmark = pytest.mark.integration


class Probe:
    """A background task that says when it started, then waits for its end (ignoring `stop`), saying how it ended."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.starts = 0
        self.ended: str | None = None

    def started(self, times: int) -> Callable[[], Awaitable[bool]]:
        """A probe for `eventually`: the task has started `times` times."""
        async def probe() -> bool:
            return self.starts >= times
        return probe

    async def __call__(self, stop: asyncio.Event) -> None:
        self.starts += 1
        if self.starts <= self.failures:
            raise RuntimeError("victim Aminata Traoré")  # a message that must never reach the log
        try:
            await asyncio.Event().wait()  # only a cancellation ends it
        except asyncio.CancelledError:
            self.ended = "cancelled"
            raise


@pytest.fixture
async def kit_app(infra, mongo, tmp_path) -> AsyncIterator[Callable[..., FastAPI]]:
    """Builds a kit app with background tasks on a fresh database (dropped after the test)."""
    _, jwks = ensure_dev_keypair(tmp_path / "keys")
    settings = BaseServiceSettings(service_name="kit", mongo_url=infra.mongo_url, mongo_db=unique_name("tasks"),
                                   kafka_bootstrap=infra.kafka_bootstrap, auth_jwks_file=jwks)

    def build(*tasks: Task) -> FastAPI:
        return service_app(core=build_core(settings), deps=None, verifier=token_verifier(settings), title="kit",
                           description="kit", routers=[], tasks=tasks)

    yield build
    await mongo.drop_database(settings.database_name)


async def test_an_api_task_starts_with_the_app_and_is_cancelled_when_it_stops(kit_app):
    probe = Probe()
    app = kit_app(probe)
    assert probe.starts == 0
    async with app.router.lifespan_context(app):
        await eventually(probe.started(1), "the task started with the app")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as client:
            assert (await client.get("/healthz")).status_code == 200  # the app serves while its task runs
        assert probe.ended is None
    assert probe.ended == "cancelled"


async def test_a_failing_api_task_leaves_the_app_serving_and_stopping_cleanly(kit_app):
    probe = Probe(failures=1)
    app = kit_app(probe)
    async with app.router.lifespan_context(app):
        await eventually(probe.started(1), "the task ran and failed")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as client:
            assert (await client.get("/healthz")).status_code == 200
    assert probe.starts == 1  # stopped while waiting to start it again


async def test_an_api_task_that_returns_is_not_started_again(kit_app):
    done = asyncio.Event()
    runs: list[int] = []

    async def once(stop: asyncio.Event) -> None:
        runs.append(1)
        done.set()

    app = kit_app(once)
    async with app.router.lifespan_context(app):
        await done.wait()
        for _ in range(20):  # turns of the loop in which a wrong restart would run (a count, not a time)
            await asyncio.sleep(0)
    assert runs == [1]
