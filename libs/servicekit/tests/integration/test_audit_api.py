"""Admins query a service's audit trail over HTTP; documentation officers the entries about their records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from servicekit.audit import AuditEntry
from servicekit.devtokens import ensure_dev_keypair, mint_token
from servicekit.service import build_core, service_app, token_verifier
from servicekit.settings import BaseServiceSettings
from servicekit.testing import unique_name

pytestmark = pytest.mark.integration


async def test_admin_filters_the_audit_trail_by_victim_and_period(infra, mongo, tmp_path):
    key, jwks = ensure_dev_keypair(tmp_path / "keys")
    settings = BaseServiceSettings(service_name="kit", mongo_url=infra.mongo_url, mongo_db=unique_name("audit"),
                                   kafka_bootstrap=infra.kafka_bootstrap, auth_jwks_file=jwks)
    core = build_core(settings)
    now = datetime.now(UTC)
    for victim, actor, minutes in (("v-1", "lawyer-1", 30), ("v-1", "lawyer-2", 5), ("v-2", "lawyer-1", 1)):
        await core.audit.record(AuditEntry(at=now - timedelta(minutes=minutes), actor=actor, actor_roles=["lawyer"],
                                           action="victim.read", resource_type="victim", resource_id=victim,
                                           purpose="legal_support", outcome="allowed"))
    app = service_app(core=core, deps=None, verifier=token_verifier(settings), title="kit", description="kit",
                      routers=[])
    admin = {"Authorization": f"Bearer {mint_token(key, subject='admin-1', roles=['admin'])}"}
    lawyer = {"Authorization": f"Bearer {mint_token(key, subject='lawyer-1', roles=['lawyer'])}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as client:
        since = (now - timedelta(minutes=10)).isoformat()
        response = await client.get("/audit", params={"victim_id": "v-1", "since": since}, headers=admin)
        assert response.status_code == 200
        assert [e["actor"] for e in response.json()["entries"]] == ["lawyer-2"]
        all_v1 = await client.get("/audit", params={"victim_id": "v-1"}, headers=admin)
        assert [e["actor"] for e in all_v1.json()["entries"]] == ["lawyer-2", "lawyer-1"]
        assert (await client.get("/audit", headers=lawyer)).status_code == 403
        assert (await client.get("/audit")).status_code == 401
        bad = await client.get("/audit", params={"victim_id": "{'$ne': 1}"}, headers=admin)
        assert bad.status_code == 422
    await mongo.drop_database(settings.database_name)


async def test_a_documentation_officer_reads_only_the_entries_about_her_organisations_records(infra, mongo, tmp_path):
    key, jwks = ensure_dev_keypair(tmp_path / "keys")
    settings = BaseServiceSettings(service_name="kit", mongo_url=infra.mongo_url, mongo_db=unique_name("audit"),
                                   kafka_bootstrap=infra.kafka_bootstrap, auth_jwks_file=jwks)
    core = build_core(settings)
    for victim, owner in (("v-ours", "org-amdh"), ("v-theirs", "org-fidh"), ("v-unowned", None)):
        await core.audit.record(AuditEntry(actor="lawyer-1", actor_roles=["lawyer"], organisation="org-legal",
                                           action="victim.name_read", resource_type="victim", resource_id=victim,
                                           purpose="legal_support", outcome="allowed", owner_organisation=owner))
    app = service_app(core=core, deps=None, verifier=token_verifier(settings), title="kit", description="kit",
                      routers=[])

    def bearer(roles: list[str], org: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {mint_token(key, subject='someone', roles=roles, org=org)}"}

    officer = bearer(["documentation_officer"], "org-amdh")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as client:
        mine = await client.get("/audit", headers=officer)
        assert mine.status_code == 200
        assert [e["resource_id"] for e in mine.json()["entries"]] == ["v-ours"]
        asked_other = await client.get("/audit", params={"owner_organisation": "org-fidh"}, headers=officer)
        assert (asked_other.status_code, asked_other.json()["code"]) == (403, "audit_other_organisation")
        no_org = await client.get("/audit", headers=bearer(["documentation_officer"], None))
        assert (no_org.status_code, no_org.json()["code"]) == (403, "organisation_missing")
        everything = await client.get("/audit", headers=bearer(["admin"], None))
        assert len(everything.json()["entries"]) == 3
        assert (await client.get("/audit", headers=bearer(["monitor"], "org-amdh"))).status_code == 403
    await mongo.drop_database(settings.database_name)


async def test_an_officer_asking_about_another_organisation_is_told_why_in_french_or_in_english(infra, mongo, tmp_path):
    key, jwks = ensure_dev_keypair(tmp_path / "keys")
    settings = BaseServiceSettings(service_name="kit", mongo_url=infra.mongo_url, mongo_db=unique_name("audit"),
                                   kafka_bootstrap=infra.kafka_bootstrap, auth_jwks_file=jwks)
    app = service_app(core=build_core(settings), deps=None, verifier=token_verifier(settings), title="kit",
                      description="kit", routers=[])
    officer = {"Authorization": "Bearer " + mint_token(key, subject="officer-1", roles=["documentation_officer"],
                                                       org="org-amdh")}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as client:
        french = await client.get("/audit", params={"owner_organisation": "org-fidh"}, headers=officer)
        english = await client.get("/audit", params={"owner_organisation": "org-fidh"},
                                   headers={**officer, "Accept-Language": "en"})
    assert french.headers["content-language"] == "fr"
    assert french.json()["detail"] == ("Vous ne pouvez lire que les entrées du journal qui concernent les dossiers "
                                       "de votre organisation.")
    assert english.json()["detail"] == "You may read only the audit entries about your own organisation's records."
    assert french.json()["errors"][0]["field"] == english.json()["errors"][0]["field"] == "query.owner_organisation"
    await mongo.drop_database(settings.database_name)
