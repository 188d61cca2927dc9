"""The cases a caller sees for a calendar or a task list: the latest ones by opening date, as MongoDB orders them.

`Queries.visible_case_ids` is compared with a filter and sort in Python over the same cases: several lawyers
per case, a lawyer removed from some, dates that tie (broken by `_id`, newest first), two organisations.
"""

from __future__ import annotations

from typing import Any

import pytest
from casework.domain.access import CASE_MANAGER, LAWYER, Access
from casework.queries import MAX_LISTED, Queries
from servicekit.testing import unique_name

pytestmark = pytest.mark.integration
LAWYER_1 = Access(subject="lawyer-01", roles=frozenset({LAWYER}), organisation="org-a")
MANAGER = Access(subject="manager-1", roles=frozenset({CASE_MANAGER}), organisation="org-a")


def case(i: int) -> dict[str, Any]:
    return {"_id": f"case-{(i * 7919) % 10_007:05d}", "organisation": ("org-a", "org-b")[i % 2],
            "lawyers": [f"lawyer-{i % 9:02d}", *([f"lawyer-{i % 4:02d}"] if i % 3 == 0 else [])],
            "opened_on": f"20{18 + i % 8}-{1 + i % 12:02d}-01", "status": "open"}


@pytest.fixture
async def cases(mongo):
    db = mongo[unique_name("visible")]
    docs = [case(i) for i in range(1_400)]
    await db.cases.insert_many(docs)
    await db.cases.create_index([("lawyers", 1), ("opened_on", -1), ("_id", -1)])
    await db.cases.create_index([("organisation", 1), ("opened_on", -1), ("_id", -1)])
    yield db, docs
    await mongo.drop_database(db.name)


def latest(docs: list[dict[str, Any]], **fields: str) -> list[str]:
    """The ids of the latest MAX_LISTED matching cases: opening date then `_id`, newest first."""
    def holds(value: Any, wanted: str) -> bool:
        return value == wanted or (isinstance(value, list) and wanted in value)

    kept = [d for d in docs if all(holds(d.get(f), v) for f, v in fields.items())]
    return [d["_id"] for d in sorted(kept, key=lambda d: (d["opened_on"], d["_id"]), reverse=True)][:MAX_LISTED]


async def test_a_lawyer_sees_the_cases_they_hold_and_no_longer_one_they_left(cases):
    db, docs = cases
    left = next(d for d in docs if "lawyer-01" in d["lawyers"])
    await db.cases.update_one({"_id": left["_id"]}, {"$pull": {"lawyers": "lawyer-01"}})
    left["lawyers"] = [x for x in left["lawyers"] if x != "lawyer-01"]
    assert await Queries(db).visible_case_ids(LAWYER_1, lawyer="lawyer-01") == latest(docs, lawyers="lawyer-01")


async def test_a_lawyer_sees_another_lawyers_cases_only_among_their_own(cases):
    db, docs = cases
    ids = await Queries(db).visible_case_ids(LAWYER_1, lawyer="lawyer-03")
    assert ids == [i for i in latest(docs, lawyers="lawyer-03") if i in set(latest(docs, lawyers="lawyer-01"))]
    assert ids


async def test_a_case_manager_sees_the_latest_cases_of_the_organisation(cases):
    db, docs = cases
    assert await Queries(db).visible_case_ids(MANAGER) == latest(docs, organisation="org-a")


async def test_a_case_manager_sees_one_lawyers_cases_of_the_organisation(cases):
    db, docs = cases
    ids = await Queries(db).visible_case_ids(MANAGER, lawyer="lawyer-02")
    assert ids == latest(docs, organisation="org-a", lawyers="lawyer-02")
