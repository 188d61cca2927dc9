"""One in-process intake on the real FerretDB and Kafka for the integration tests of this folder."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from intake_support import Intake, settings_for
from servicekit.devtokens import ensure_dev_keypair
from servicekit.testing import Infra


@pytest.fixture(scope="session")
def dev_keys(tmp_path_factory: pytest.TempPathFactory):
    return ensure_dev_keypair(tmp_path_factory.mktemp("intake-keys"))


@pytest.fixture(scope="session")
async def intake(infra: Infra, dev_keys) -> AsyncIterator[Intake]:
    private_key, jwks = dev_keys
    settings = settings_for(infra, jwks)
    harness = Intake.build(infra, settings, private_key)
    yield harness
    await harness.deps.background.drain()
    await harness.deps.core.client.drop_database(settings.database_name)
    await harness.close()
