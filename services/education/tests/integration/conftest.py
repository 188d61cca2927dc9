"""Education running in-process on the real broker and store: its worker, its app, and a publisher."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from servicekit.testing import FakeClock, InProcessService, in_process_service

# The service's "today" in these tests: 2 March 2026 in Bamako.
TODAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
async def education(infra, tmp_path_factory) -> AsyncIterator[InProcessService]:
    async with in_process_service("education", infra, tmp_path_factory.mktemp("keys"),
                                  clock=FakeClock(TODAY)) as running:
        yield running
