"""The audit chain on the real store: concurrent writers keep one chain; every kind of tampering is detected."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pymongo.errors import AutoReconnect
from servicekit.audit import AuditEntry, AuditLog, seq_id
from servicekit.audit_chain import AuditAnchor, verify_audit_log
from servicekit.bulk_writes import BulkWrites
from servicekit.devtokens import ensure_dev_keypair, mint_token
from servicekit.service import build_core, service_app, token_verifier
from servicekit.settings import BaseServiceSettings
from servicekit.testing import store_commands, unique_name

pytestmark = pytest.mark.integration
COMMANDS = store_commands()  # before any client is built


def read_of(victim: str, actor: str = "lawyer-1", owner: str | None = "org-amdh") -> AuditEntry:
    return AuditEntry(actor=actor, actor_roles=["lawyer"], organisation="org-legal", action="victim.name_read",
                      resource_type="victim", resource_id=victim, purpose="legal_support", outcome="allowed",
                      owner_organisation=owner)


@pytest.fixture
async def db(mongo: Any) -> AsyncIterator[Any]:
    database = mongo[unique_name("auditchain")]
    yield database
    await mongo.drop_database(database.name)


async def chain_of(db: Any, count: int) -> None:
    log = AuditLog(db["audit_log"], db["audit_head"])
    for n in range(count):
        await log.record(read_of(f"v-{n}"))


def audit_log(db: Any, *, bulk: bool) -> AuditLog:
    """A process's audit log: entries and head in one `bulkWrite`, or in a request each (MongoDB 7)."""
    return AuditLog(db["audit_log"], db["audit_head"], bulk=BulkWrites(db) if bulk else None)


@pytest.mark.parametrize("bulk", [True, False], ids=["one request", "a request each"])
async def test_writers_in_two_processes_appending_at_once_keep_one_intact_chain(db, bulk):
    api, worker = audit_log(db, bulk=bulk), audit_log(db, bulk=bulk)
    await asyncio.gather(*(log.record(read_of(f"v-{n}")) for n in range(25) for log in (api, worker)))
    report = await verify_audit_log(db)
    assert report.ok, report.problems
    assert report.entries_checked == 50
    assert report.head is not None and report.head.seq == 50


async def test_an_edited_entry_is_detected(db):
    await chain_of(db, 3)
    await db["audit_log"].update_one({"_id": seq_id(2)}, {"$set": {"actor": "someone-else"}})
    report = await verify_audit_log(db)
    assert not report.ok
    assert [(p.seq, p.problem) for p in report.problems] == [(2, "content does not match its hash (edited)")]


async def test_records_arriving_while_a_process_writes_share_one_head_update(db):
    log = AuditLog(db["audit_log"], db["audit_head"])
    COMMANDS.database = db.name
    try:
        await asyncio.gather(*(log.record(read_of(f"v-{n}")) for n in range(5)))
        trips = COMMANDS.take()
    finally:
        COMMANDS.database = None
    assert trips.count("insert audit_log") == 5
    assert 1 <= trips.count("update audit_head") < 5  # each record waited for a head covering its entry
    report = await verify_audit_log(db)
    assert report.ok and report.head is not None and report.head.seq == 5
    assert (await db["audit_head"].find_one({"_id": "head"}))["seq"] == 5


async def test_an_entry_and_its_head_travel_together_and_records_arriving_meanwhile_share_one(db):
    log = audit_log(db, bulk=True)
    COMMANDS.database = db.name
    try:
        await log.record(read_of("v-0"))
        alone = COMMANDS.take()
        await asyncio.gather(*(log.record(read_of(f"v-{n}")) for n in range(1, 6)))
        together = COMMANDS.take()
    finally:
        COMMANDS.database = None
    assert alone == ["find audit_head",  # the chain's head, read once per process
                     "bulkWrite insert audit_log + update audit_head"]
    assert all(trip.startswith("bulkWrite") and trip.endswith("+ update audit_head") for trip in together)
    assert " + ".join(together).count("insert audit_log") == 5 and 1 <= len(together) < 5
    report = await verify_audit_log(db)
    assert report.ok and report.head is not None and report.head.seq == 6
    assert (await db["audit_head"].find_one({"_id": "head"}))["seq"] == 6


class AnswerLost:
    """The store's admin database, whose connection drops once right after a command landed."""

    def __init__(self, real: Any) -> None:
        self.real, self.dropped = real, False

    async def command(self, command: dict[str, Any]) -> Any:
        answer = await self.real.command(command)
        if self.dropped:
            return answer
        self.dropped = True
        raise AutoReconnect("connection closed before the answer")


async def test_an_entry_whose_answer_was_lost_is_in_the_chain_once(db):
    log = audit_log(db, bulk=True)
    await log.record(read_of("v-0"))
    assert log._bulk is not None
    log._bulk.admin = AnswerLost(log._bulk.admin)  # type: ignore[assignment]
    await log.record(read_of("v-1"))
    assert log._bulk.admin.dropped
    report = await verify_audit_log(db)
    assert report.ok and report.entries_checked == 2 and report.head is not None and report.head.seq == 2
    assert [d["resource_id"] async for d in db["audit_log"].find({}).sort("_id")] == ["v-0", "v-1"]


async def test_a_deleted_entry_is_detected(db):
    await chain_of(db, 3)
    await db["audit_log"].delete_one({"_id": seq_id(2)})
    report = await verify_audit_log(db)
    assert [(p.seq, p.problem) for p in report.problems] == [(2, "missing entry (deleted)")]


async def test_deleting_the_newest_entries_is_detected_by_the_head(db):
    await chain_of(db, 4)
    await db["audit_log"].delete_many({"_id": {"$in": [seq_id(3), seq_id(4)]}})
    report = await verify_audit_log(db)
    assert [(p.seq, p.problem) for p in report.problems] == [
        (4, "the head is ahead of the chain (newest entries deleted)")]


async def test_an_entry_slipped_in_beside_the_chain_is_detected(db):
    await chain_of(db, 2)
    forged = read_of("v-9").model_dump(mode="python")
    await db["audit_log"].insert_one({**forged, "_id": forged.pop("id")})
    report = await verify_audit_log(db)
    assert [(p.seq, p.problem) for p in report.problems] == [
        (None, "an entry outside the chain (no position or hash)")]


async def test_a_chain_rewritten_with_recomputed_hashes_is_detected_against_an_anchor(db):
    await chain_of(db, 3)
    recorded = (await verify_audit_log(db)).head
    assert recorded is not None
    # A rewrite by someone who recomputes every hash: the chain alone looks intact again.
    await db["audit_log"].delete_many({})
    await db["audit_head"].delete_many({})
    log = AuditLog(db["audit_log"], db["audit_head"])
    for n in range(3):
        await log.record(read_of(f"v-{n}", actor="cover-up"))
    assert (await verify_audit_log(db)).ok
    report = await verify_audit_log(db, anchor=AuditAnchor(seq=recorded.seq, hash=recorded.hash))
    assert [(p.seq, p.problem) for p in report.problems] == [
        (3, "differs from the anchor recorded earlier (rewritten)")]


async def test_admins_verify_the_chain_over_http_and_others_may_not(infra, mongo, tmp_path):
    key, jwks = ensure_dev_keypair(tmp_path / "keys")
    settings = BaseServiceSettings(service_name="kit", mongo_url=infra.mongo_url, mongo_db=unique_name("audit"),
                                   kafka_bootstrap=infra.kafka_bootstrap, auth_jwks_file=jwks)
    core = build_core(settings)
    await core.audit.record(read_of("v-1"))
    app = service_app(core=core, deps=None, verifier=token_verifier(settings), title="kit", description="kit",
                      routers=[])
    admin = {"Authorization": f"Bearer {mint_token(key, subject='admin-1', roles=['admin'])}"}
    officer = {"Authorization": "Bearer " + mint_token(key, subject="officer-1", roles=["documentation_officer"],
                                                       org="org-amdh")}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as client:
        verified = await client.get("/audit/integrity", headers=admin)
        assert verified.status_code == 200
        assert (verified.json()["ok"], verified.json()["entries_checked"]) == (True, 1)
        head = verified.json()["head"]
        anchored = await client.get("/audit/integrity", params={"anchor_seq": head["seq"],
                                                                "anchor_hash": head["hash"]}, headers=admin)
        assert anchored.json()["ok"] is True
        half = await client.get("/audit/integrity", params={"anchor_seq": 1}, headers=admin)
        assert half.status_code == 422
        assert half.json()["errors"] == [{"field": "query.anchor_hash", "code": "audit_anchor_incomplete",
                                          "reason": "Indiquez à la fois anchor_seq et anchor_hash, ou aucun des deux."}]
        assert (await client.get("/audit/integrity", headers=officer)).status_code == 403
    await mongo.drop_database(settings.database_name)
