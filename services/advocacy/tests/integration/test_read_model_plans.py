"""The read model's cold read takes each partition's last mark with queries the store serves from its `_id` index.

Each `find` that `high_waters` sends is recorded as sent and explained: on the local store (the project's FerretDB
build on SQLite) SQLite searches the `_id_` index for its range and the sort is pushed down, so the limited
query stops at the first row; on MongoDB the plan reads the `_id` index and never sorts. Plans do not depend
on data, so a few marks are enough.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from advocacy.projections.generations import position_key
from advocacy.projections.readmodel import high_waters
from pymongo import AsyncMongoClient
from servicekit.testing import SentFinds, unique_name

pytestmark = pytest.mark.integration


@pytest.fixture
async def walked(infra) -> AsyncIterator[tuple[list[dict[str, Any]], bool]]:
    """The plans of the finds of one walk over two topics' marks (three partitions)."""
    finds = SentFinds()
    client: AsyncMongoClient = AsyncMongoClient(infra.mongo_url, tz_aware=True, event_listeners=[finds])
    db = client[unique_name("plans")]
    await db["g0001_marks"].insert_many([{"_id": position_key(t, p, o), "collection": "incidents", "event_id": "e"}
                                         for t, p, o in [("intake.incidents", 0, 3), ("intake.incidents", 1, 9),
                                                         ("intake.victims", 0, 4)]])
    assert await high_waters(db, 1) == {("intake.incidents", 0): 3, ("intake.incidents", 1): 9,
                                        ("intake.victims", 0): 4}
    ferretdb = "ferretdbVersion" in await client.admin.command("buildInfo")
    yield [await db.command("explain", command) for command in finds.commands], ferretdb
    await client.drop_database(db.name)
    await client.close()


async def test_the_local_store_searches_the_id_index_for_each_partition_last_mark(walked):
    plans, ferretdb = walked
    if not ferretdb:
        pytest.skip("SQLite's plan: the store is MongoDB here")
    assert len(plans) == 7  # two per partition, and one that finds no partition after the last
    for plan in plans:
        lines = plan["queryPlanner"]["Plan"]
        assert plan["filterPushdown"] is True and plan["sortPushdown"] is True, plan
        assert any("detail=SEARCH" in line and "__id_ (<expr>" in line for line in lines), lines
        assert not any("TEMP B-TREE" in line for line in lines), lines


async def test_mongodb_reads_each_partition_last_mark_from_the_id_index_without_sorting(walked):
    plans, ferretdb = walked
    if ferretdb:
        pytest.skip("MongoDB's plan: the store is FerretDB here (no mongod on the development machines)")
    for plan in plans:
        winning = str(plan["queryPlanner"]["winningPlan"])
        assert "COLLSCAN" not in winning and "'SORT'" not in winning, winning
        assert "IXSCAN" in winning or "EXPRESS" in winning, winning
