"""One in-process casework on the real store per test module."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from casework_support import Casework, running_casework


@pytest.fixture(scope="module")
async def cw(infra, tmp_path_factory) -> AsyncIterator[Casework]:
    async with running_casework(infra, tmp_path_factory.mktemp("casework")) as app:
        yield app


@pytest.fixture(autouse=True)
def _clock_at_start(request):
    """Each test starts at the same instant, whatever the previous one did to the clock."""
    if "cw" in request.fixturenames:
        from casework_support import START

        request.getfixturevalue("cw").clock.set(START)
