"""Advocacy running in-process on the real broker and store: its worker, its app, and a publisher."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from servicekit.testing import InProcessService, in_process_service


@pytest.fixture(scope="module")
async def advocacy(infra, tmp_path_factory) -> AsyncIterator[InProcessService]:
    async with in_process_service("advocacy", infra, tmp_path_factory.mktemp("keys")) as running:
        yield running
