"""A background task of the API that fails is logged by its error's type alone and started again after a backoff."""

from __future__ import annotations

import asyncio
import logging

from servicekit.service import supervised


async def test_a_failing_task_is_started_again_until_it_runs_and_its_message_is_never_logged(caplog):
    starts: list[int] = []
    running = asyncio.Event()

    async def flaky(stop: asyncio.Event) -> None:
        starts.append(1)
        if len(starts) <= 2:
            raise RuntimeError("victim Aminata Traoré")  # a message that may carry data: never logged
        running.set()
        await stop.wait()

    stop = asyncio.Event()
    with caplog.at_level(logging.ERROR, logger="servicekit.service"):
        task = asyncio.create_task(supervised(flaky, stop, first_retry=0.001))
        await asyncio.wait_for(running.wait(), 10)
        stop.set()
        await task
    assert len(starts) == 3
    failures = [r for r in caplog.records if r.getMessage().startswith("api task failed")]
    assert [(getattr(r, "task", None), getattr(r, "error", None)) for r in failures] == [
        (flaky.__qualname__, "RuntimeError"), (flaky.__qualname__, "RuntimeError")]
    assert "Aminata" not in caplog.text


async def test_a_stop_during_the_backoff_ends_the_supervision_without_another_start():
    starts: list[int] = []

    async def failing(stop: asyncio.Event) -> None:
        starts.append(1)
        stop.set()  # the app stops while the failure waits for its retry
        raise RuntimeError("store away")

    await asyncio.wait_for(supervised(failing, asyncio.Event(), first_retry=60), 10)
    assert starts == [1]
