"""The store watchdog tells an outage (wait for the store) from a wedged client (exit for a restart)."""

from __future__ import annotations

import pytest
from servicekit.availability import StoreWatchdog
from servicekit.mongo import mongo_client
from servicekit.testing import free_port

pytestmark = pytest.mark.integration


async def test_a_client_that_fails_while_a_fresh_one_reaches_the_store_is_judged_wedged(infra):
    stuck = mongo_client(f"mongodb://127.0.0.1:{free_port()}/", app_name="stuck")  # answers nothing, like a wedge
    try:
        watchdog = StoreWatchdog(stuck, infra.mongo_url, wedged_after=0.0, timeout=1.0)
        assert await watchdog.check()
    finally:
        await stuck.close()


async def test_a_store_that_is_away_for_everyone_is_an_outage_not_a_wedge():
    away = f"mongodb://127.0.0.1:{free_port()}/"
    client = mongo_client(away, app_name="outage")
    try:
        watchdog = StoreWatchdog(client, away, wedged_after=0.0, timeout=1.0)
        assert not await watchdog.check()
    finally:
        await client.close()


async def test_a_client_that_answers_is_never_judged_wedged(infra):
    client = mongo_client(infra.mongo_url, app_name="fine")
    try:
        assert not await StoreWatchdog(client, infra.mongo_url, wedged_after=0.0).check()
    finally:
        await client.close()
