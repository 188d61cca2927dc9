"""Every listing is served by an index its service declares: the store's own plan of the very query it sends.

Each listing runs through the service's query code against a client that records the commands it sends;
each recorded `find` is then explained. On MongoDB the winning plan must read an index and never the
whole collection, and sort from the index (no SORT stage). On the local store (the project's FerretDB
build on SQLite) a listing with an equality on an indexed field must search that index, and one sorted
by `_id` must search the compound index ending in `_id` whose leading keys its filter fixes (intake's
pages); one sorted on a date then `_id` (casework's keyset pages) must search the compound index ending
with both whose leading keys its filter fixes, sorting nothing (for a list field, a lawyer's cases, the
elements table the store keeps for that index). Those walks rely on what the collection holds (no list
in the fixed fields, only plain strings in the date), so casework's collections get a few documents
shaped like its projections; the other plans do not depend on data.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from advocacy import queries as advocacy_queries
from advocacy.indexes import INDEXES as ADVOCACY
from advocacy.projections.readmodel import facts_by_id, marks_since
from casework.domain.access import CASE_MANAGER, LAWYER, Access
from casework.indexes import INDEXES as CASEWORK
from casework.notes import NotesVault
from casework.queries import Queries
from education.indexes import INDEXES as EDUCATION
from education.queries import campaign_page, session_page
from intake.domain.access import Viewer
from intake.indexes import INDEXES as INTAKE
from intake.queries import IncidentFilter, IncidentQueries
from notify.indexes import INDEXES as NOTIFY
from notify.projections.queue import DeliveryQueue
from notify.queries import deliveries_needing_attention, victim_deliveries
from pymongo import AsyncMongoClient
from servicekit.indexes import Index, ensure_indexes
from servicekit.testing import SentFinds, unique_name

pytestmark = pytest.mark.integration
Listing = Callable[[Any], Awaitable[Any]]
LAWYER_ACCESS = Access(subject="lawyer-1", roles=frozenset({LAWYER}), organisation="org-legal")
MANAGER_ACCESS = Access(subject="manager-1", roles=frozenset({CASE_MANAGER}), organisation="org-legal")
MONITOR = Viewer.of("org-amdh", {"monitor"})
WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))


async def created(db: Any, collection: str, listing: Callable[[], Awaitable[Any]]) -> Any:
    """Run a read on a collection that no declared index creates (an indicator generation's), made first."""
    if collection not in await db.list_collection_names():
        await db.create_collection(collection)
    return await listing()


# (service indexes, listing, whether the local store serves it from an index)
LISTINGS: dict[str, tuple[tuple[Index, ...], Listing, bool]] = {
    "intake incidents, first page": (INTAKE, lambda db: IncidentQueries(db["incidents"]).page(
        MONITOR, IncidentFilter(), cursor=None, limit=50), True),
    "intake incidents by region": (INTAKE, lambda db: IncidentQueries(db["incidents"]).page(
        MONITOR, IncidentFilter(region="mopti"), cursor=None, limit=50), True),
    "intake incidents by verification status": (INTAKE, lambda db: IncidentQueries(db["incidents"]).page(
        MONITOR, IncidentFilter(verification_status="verified", date_from=date(2019, 1, 1)), cursor=None,
        limit=50), True),
    "casework inbox": (CASEWORK, lambda db: Queries(db).referrals(status="pending", organisation="org-legal"), True),
    "casework referrals decided": (CASEWORK, lambda db: Queries(db).referrals(status="accepted",
                                                                             organisation="org-legal"), True),
    "casework a victim's referrals": (CASEWORK, lambda db: Queries(db).referral_ids_of_victim("victim-1"), True),
    "casework a case manager's cases": (CASEWORK, lambda db: Queries(db).cases(MANAGER_ACCESS, status="open"), True),
    "casework a lawyer's cases": (CASEWORK, lambda db: Queries(db).cases(LAWYER_ACCESS), True),
    "casework a lawyer's calendar cases": (CASEWORK, lambda db: Queries(db).visible_case_ids(
        LAWYER_ACCESS, lawyer="lawyer-1"), True),
    "casework an organisation's calendar cases": (CASEWORK, lambda db: Queries(db).visible_case_ids(
        MANAGER_ACCESS), True),
    "casework one lawyer's cases seen by a case manager": (CASEWORK, lambda db: Queries(db).visible_case_ids(
        MANAGER_ACCESS, lawyer="lawyer-1"), True),
    "casework a victim's cases": (CASEWORK, lambda db: Queries(db).case_ids_of_victim("victim-1"), True),
    "casework hearings at a court": (CASEWORK, lambda db: Queries(db).hearings_at_court(
        "ml-tgi-bamako-c1", start=WINDOW[0], end=WINDOW[1]), True),
    "casework tasks of a case": (CASEWORK, lambda db: Queries(db).tasks_of_case("case-1"), True),
    "casework notes of a case": (CASEWORK, lambda db: NotesVault(db, None).read_all("case-1"), True),  # type: ignore[arg-type]
    "advocacy actions": (ADVOCACY, lambda db: advocacy_queries.actions(db), False),
    "advocacy actions towards a body": (ADVOCACY, lambda db: advocacy_queries.actions(
        db, target_body="un_human_rights_council"), True),
    "advocacy recommendations by status": (ADVOCACY, lambda db: advocacy_queries.recommendations(
        db, status="accepted"), True),
    "advocacy reports": (ADVOCACY, lambda db: advocacy_queries.reports(db), False),
    "advocacy indicator marks added since": (ADVOCACY, lambda db: created(db, "g0001_marks", lambda: marks_since(
        db, 1, {("intake.incidents", 0): 41, ("intake.incidents", 2): 7, ("intake.victims", 1): 3})), True),
    "advocacy indicator facts of new marks": (ADVOCACY, lambda db: created(db, "g0001_incidents", lambda: facts_by_id(
        db, 1, "incidents", ["event-1", "event-2"])), True),
    "education an organisation's sessions": (EDUCATION, lambda db: session_page(
        db, date(2025, 1, 1), date(2025, 12, 31), organisation="org-edu", region=None, cursor=None, limit=50), True),
    "education sessions of every organisation": (EDUCATION, lambda db: session_page(
        db, None, None, organisation=None, region=None, cursor=None, limit=50), False),
    "education campaigns": (EDUCATION, lambda db: campaign_page(db, cursor=None, limit=50), False),
    "notify a victim's deliveries": (NOTIFY, lambda db: victim_deliveries(db, "victim-1", cursor=None, limit=50), True),
    "notify deliveries needing attention": (NOTIFY, lambda db: deliveries_needing_attention(
        db, status="unknown", flagged=False, cursor=None, limit=50), True),
    "notify due messages": (NOTIFY, lambda db: DeliveryQueue(db).due(WINDOW[0], 50), False),
    "notify a hearing's queued messages": (NOTIFY, lambda db: DeliveryQueue(db).ids_for_hearing("hearing-1"), True),
}

# Casework's keyset pages sorted on a date then `_id`, whose filter fixes the keys before them: the index
# walked in the page's order and its constraint (no sort after it).
KEY_SORTED = {
    "casework referrals decided": "organisation_1_status_1_referred_at_1__id_1 (<expr>=? AND <expr>=?)",
    "casework a case manager's cases": "organisation_1_opened_on_-1__id_-1 (<expr>=?)",
    # `lawyers` is a list: its elements' table (one row per lawyer and case) is walked, each case read by `_id`.
    "casework a lawyer's cases": "lawyers_1_opened_on_-1__id_-1_elements_walk (elem=?)",
    "casework a lawyer's calendar cases": "lawyers_1_opened_on_-1__id_-1_elements_walk (elem=?)",
    "casework an organisation's calendar cases": "organisation_1_opened_on_-1__id_-1 (<expr>=?)",
    # A list's element is walked rather than the organisation's cases: a person's are fewer.
    "casework one lawyer's cases seen by a case manager": "lawyers_1_opened_on_-1__id_-1_elements_walk (elem=?)",
}

# Intake's pages, sorted by `_id`: the index searched and its constraint (equalities, no sort after it).
ID_SORTED = {
    "intake incidents, first page": "organisation_1__id_1 (<expr>=?)",
    "intake incidents by region": "organisation_1_region_1__id_1 (<expr>=? AND <expr>=?)",
    "intake incidents by verification status": "organisation_1_verification_status_1__id_1 (<expr>=? AND <expr>=?)",
}


@pytest.fixture
async def store(infra) -> AsyncIterator[tuple[Any, SentFinds, bool]]:
    finds = SentFinds()
    client: AsyncMongoClient = AsyncMongoClient(infra.mongo_url, tz_aware=True, event_listeners=[finds])
    db = client[unique_name("plans")]
    ferretdb = "ferretdbVersion" in await client.admin.command("buildInfo")
    yield db, finds, ferretdb
    await client.drop_database(db.name)
    await client.close()


async def seed_casework(db: Any) -> None:
    """A few referrals and cases with the fields the lists filter and sort on, as casework's projections
    hold them (dates as ISO strings, lawyers a list), of another organisation and lawyer than the lists'."""
    await db["referrals"].insert_many([
        {"_id": f"referral-{i}", "status": ("pending", "accepted")[i % 2], "organisation": "org-other",
         "receiving_organisation": "org-other", "victim_id": f"victim-{i}",
         "referred_at": f"2026-01-0{i}T09:00:00+00:00"} for i in range(1, 5)])
    await db["cases"].insert_many([
        {"_id": f"case-{i}", "status": "open", "organisation": "org-other", "lawyers": [f"lawyer-{i + 1}"],
         "victim_ids": [f"victim-{i}"], "opened_on": f"2026-01-0{i}"} for i in range(1, 5)])


async def explained(db: Any, finds: SentFinds, name: str) -> list[dict[str, Any]]:
    """The plans of the finds one listing sends, its service's indexes created first."""
    indexes, listing, _ = LISTINGS[name]
    await ensure_indexes(db, indexes)
    if indexes is CASEWORK:
        await seed_casework(db)
    finds.commands.clear()
    await listing(db)
    assert finds.commands, f"{name} sent no find"
    return [await db.command("explain", command) for command in finds.commands]


def stages(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every stage of a MongoDB plan tree."""
    found, todo = [], [plan]
    while todo:
        stage = todo.pop()
        found.append(stage)
        todo += [stage[k] for k in ("inputStage", "queryPlan") if isinstance(stage.get(k), dict)]
        todo += [s for s in stage.get("inputStages", []) if isinstance(s, dict)]
    return found


@pytest.mark.parametrize("name", sorted(LISTINGS))
async def test_mongodb_serves_the_listing_from_an_index_without_sorting(store, name):
    db, finds, ferretdb = store
    if ferretdb:
        pytest.skip("MongoDB's plan: the store is FerretDB here (no mongod on the development machines); the "
                    "expected MongoDB plan of each listing is in docs/performance.md")
    for plan in await explained(db, finds, name):
        names = {s.get("stage") for s in stages(plan["queryPlanner"]["winningPlan"])}
        assert "COLLSCAN" not in names and "SORT" not in names, (name, plan["queryPlanner"]["winningPlan"])
        assert names & {"IXSCAN", "EXPRESS_IXSCAN", "IDHACK", "COUNT_SCAN"}, (name, names)


@pytest.mark.parametrize("name", sorted(n for n, (_, _, local) in LISTINGS.items() if local))
async def test_the_local_store_searches_an_index_for_the_listing(store, name):
    db, finds, ferretdb = store
    if not ferretdb:
        pytest.skip("SQLite's plan: the store is MongoDB here")
    for plan in await explained(db, finds, name):
        lines = plan["queryPlanner"]["Plan"]
        assert plan["filterPushdown"] is True, (name, plan)
        assert any("USING INDEX" in line for line in lines), (name, lines)
        assert not any("detail=SCAN " in line and "INDEX" not in line and "json_each" not in line
                       for line in lines), (name, lines)


@pytest.mark.parametrize("name", sorted(ID_SORTED | KEY_SORTED))
async def test_the_local_store_reads_a_sorted_page_from_the_compound_index_of_its_filter(store, name):
    """Only the rows with the page's organisation (and region or status) are read, in the page's order: not
    a walk of `_id_` that tests every row against the filter, nor every row of the organisation sorted."""
    db, finds, ferretdb = store
    if not ferretdb:
        pytest.skip("SQLite's plan: the store is MongoDB here")
    for plan in await explained(db, finds, name):
        lines = plan["queryPlanner"]["Plan"]
        assert plan["sortPushdown"] is True, (name, plan)
        constraint = (ID_SORTED | KEY_SORTED)[name]
        assert any("detail=SEARCH" in line and line.endswith(constraint) for line in lines), (name, lines)
        assert not any("TEMP B-TREE" in line or line.endswith("__id_") for line in lines), (name, lines)
