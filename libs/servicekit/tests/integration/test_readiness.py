"""Readiness probes against the real broker and store, and against closed ports."""

from __future__ import annotations

import pytest
from servicekit.kafka import kafka_reachable
from servicekit.mongo import mongo_client, store_reachable
from servicekit.testing import free_port

pytestmark = pytest.mark.integration


async def test_probes_answer_true_for_the_running_stack(infra):
    client = mongo_client(infra.mongo_url, app_name="probe")
    try:
        assert await store_reachable(client)
    finally:
        await client.close()
    assert await kafka_reachable(infra.kafka_bootstrap)


async def test_probes_answer_false_for_unreachable_servers():
    port = free_port()
    client = mongo_client(f"mongodb://127.0.0.1:{port}/", app_name="probe")
    try:
        assert not await store_reachable(client, timeout=1.0)
    finally:
        await client.close()
    assert not await kafka_reachable(f"127.0.0.1:{port}", timeout=1.0)
