"""`GET /integrity` of the kit: every chain at once or page by page, over HTTP, on the real store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from servicekit.devtokens import ensure_dev_keypair, mint_token
from servicekit.eventstore import CommandContext, commit_id
from servicekit.ids import new_id
from servicekit.integrity_api import integrity_router
from servicekit.service import build_core, service_app, token_verifier
from servicekit.settings import BaseServiceSettings
from servicekit.testing import unique_name
from tally import increment, open_tally, tally_type

pytestmark = pytest.mark.integration
CTX = CommandContext(actor="tester")
TALLY = tally_type("kit.tallies")


@dataclass(frozen=True)
class Deps:
    core: Any


@pytest.fixture
async def kit(infra, tmp_path):
    """A kit app with the integrity route for `admin`, over five tallies of 1 to 5 commits (15 in all)."""
    key, jwks = ensure_dev_keypair(tmp_path / "keys")
    settings = BaseServiceSettings(service_name="kit", mongo_url=infra.mongo_url, mongo_db=unique_name("integrity"),
                                   kafka_bootstrap=infra.kafka_bootstrap, auth_jwks_file=jwks)
    core = build_core(settings)
    ids = []
    for commits in range(1, 6):
        tally_id = new_id()
        await core.store.execute(TALLY, tally_id, open_tally("t"), context=CTX)
        for _ in range(commits - 1):
            await core.store.execute(TALLY, tally_id, increment(1), context=CTX)
        ids.append(tally_id)
    app = service_app(core=core, deps=Deps(core), verifier=token_verifier(settings), title="kit", description="kit",
                      routers=[integrity_router([TALLY], roles={"admin"})])
    headers = {"Authorization": f"Bearer {mint_token(key, subject='admin-1', roles=['admin'])}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit",
                                 headers=headers) as client:
        yield client, core, ids, key
    await core.client.close()


async def pages(client: httpx.AsyncClient, limit: int) -> list[dict[str, Any]]:
    """Every page of a paged verification, following `next_after`."""
    found, after = [], None
    while True:
        params: dict[str, Any] = {"limit": limit} | ({"after": after} if after else {})
        response = await client.get("/integrity", params=params)
        assert response.status_code == 200, response.text
        found.append(response.json())
        after = found[-1]["next_after"]
        if after is None:
            return found


async def test_paged_verification_covers_every_commit_once(kit):
    client, _, ids, _ = kit
    result = await pages(client, limit=4)
    assert len(result) > 1
    assert sum(p["commits_checked"] for p in result) == 15 == result[-1]["commits_total"]
    assert sum(p["aggregates_checked"] for p in result) == len(ids)
    assert all(p["ok"] for p in result)
    whole = (await client.get("/integrity")).json()
    assert (whole["ok"], whole["commits_checked"], whole["next_after"]) == (True, 15, None)


async def test_a_page_reports_an_edited_commit(kit):
    client, core, ids, _ = kit
    await core.db["events"].update_one({"_id": commit_id(ids[3], 2)}, {"$set": {"events.0.data.by": 1000}})
    problems = [problem for page in await pages(client, limit=3) for problem in page["problems"]]
    assert problems == [{"aggregate_id": ids[3], "version": 2, "problem": "content does not match its hash (edited)"}]


async def test_a_page_reports_a_projection_whose_history_was_deleted(kit):
    client, core, ids, _ = kit
    await core.db["events"].delete_many({"aggregate_id": ids[1]})
    problems = [problem for page in await pages(client, limit=2) for problem in page["problems"]]
    assert [(p["aggregate_id"], p["problem"]) for p in problems] == [
        (ids[1], "projection is ahead of history (commits deleted)")]


async def test_only_the_named_roles_verify(kit):
    client, _, _, key = kit
    lawyer = {"Authorization": f"Bearer {mint_token(key, subject='lawyer-1', roles=['lawyer'])}"}
    assert (await client.get("/integrity", headers=lawyer)).status_code == 403
    refused = await client.get("/integrity", params={"limit": 0})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
