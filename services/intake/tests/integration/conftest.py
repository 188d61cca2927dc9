"""One in-process intake (the kit's harness) on the real FerretDB and Kafka for the integration tests of this folder."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from intake_support import SETTINGS, Intake, random_kek
from servicekit.testing import Infra, in_process_service


@pytest.fixture(scope="session")
async def intake(infra: Infra, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Intake]:
    keys = tmp_path_factory.mktemp("intake-keys")
    async with in_process_service("intake", infra, keys, kek_source=random_kek(), **SETTINGS) as service:
        harness = Intake(service)
        yield harness
        await service.deps.background.drain()
        await service.deps.core.client.drop_database(service.settings.database_name)
