"""Session fixtures for every test folder: the real Kafka broker and FerretDB, started once."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError
from servicekit.testing import Infra, infra_from_env_or_stack


@pytest.fixture(scope="session")
def infra() -> Infra:
    """The real broker and store (env URLs, or the project's local stack scripts)."""
    return infra_from_env_or_stack()


@pytest.fixture(scope="session")
async def mongo(infra: Infra) -> AsyncIterator[AsyncMongoClient]:
    client: AsyncMongoClient = AsyncMongoClient(infra.mongo_url, tz_aware=True)
    yield client
    with contextlib.suppress(PyMongoError):  # the fault suite restarts the store under this client
        await client.close()
