"""Key release (the contract notify and casework code against) and KEK rotation, on the real store."""

from __future__ import annotations

import base64

import pytest
from intake.entrypoints.rotate_keys import rotate
from intake_support import IntakeApp, incident_body, random_kek, victim_body
from pydantic import SecretStr
from servicekit.crypto import decrypt_field

pytestmark = pytest.mark.integration


async def register(intake, body=None) -> str:
    async with intake.client("monitor") as monitor:
        response = await monitor.post("/victims", json=body or victim_body())
    assert response.status_code == 201, response.text
    return response.json()["id"]


def service_client(intake, subject: str, scopes=("pii:decrypt",)):
    return intake.client("", org=None, sub=subject, scopes=scopes, service=True)


LEGAL_SUPPORT = {"purpose": "legal_support", "organisation": "org-legal"}


def key_of(response) -> bytes:
    text = response.json()["data_key"]
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


async def test_notify_gets_the_key_for_a_victim_who_consented_to_notifications(intake):
    victim_id = await register(intake)
    async with service_client(intake, "svc-notify") as notify:
        released = await notify.post(f"/internal/keys/{victim_id}/release", json={"purpose": "notifications"})
    assert released.status_code == 200 and released.json()["expires_in"] == 300
    commit = await intake.db["events"].find_one({"_id": f"{victim_id}:0000000001"})
    phone = commit["events"][0]["data"]["phone_ciphertext"]
    assert decrypt_field(key_of(released), phone, subject_id=victim_id, field="phone") == "+22376000001"
    audit = await intake.deps.core.audit.query(resource_id=victim_id)
    assert [(e.action, e.actor, e.purpose, e.outcome) for e in audit if e.action.startswith("key.")] == [
        ("key.released", "svc-notify", "notifications", "allowed")]


async def test_key_is_refused_without_consent_for_the_purpose_and_the_refusal_audited(intake):
    body = victim_body()
    body["consent"]["legal_support"] = False
    victim_id = await register(intake, body)
    async with service_client(intake, "svc-casework") as casework:
        refused = await casework.post(f"/internal/keys/{victim_id}/release", json=LEGAL_SUPPORT)
    assert refused.status_code == 403
    audit = await intake.deps.core.audit.query(resource_id=victim_id)
    assert [(e.action, e.outcome) for e in audit if e.action.startswith("key.")] == [("key.refused", "denied")]


async def test_casework_gets_the_key_for_a_legal_aid_organisation_the_victim_shares_with_audited(intake):
    victim_id = await register(intake)
    async with service_client(intake, "svc-casework") as casework:
        released = await casework.post(f"/internal/keys/{victim_id}/release", json=LEGAL_SUPPORT)
    assert released.status_code == 200
    [entry] = [e for e in await intake.deps.core.audit.query(resource_id=victim_id) if e.action.startswith("key.")]
    assert (entry.action, entry.reason, entry.owner_organisation) == ("key.released", "for org-legal", "org-amdh")


async def test_key_is_refused_for_an_organisation_the_victim_did_not_consent_to_share_with(intake):
    victim_id = await register(intake)  # shares with org-legal only
    async with service_client(intake, "svc-casework") as casework:
        refused = await casework.post(f"/internal/keys/{victim_id}/release",
                                      json={"purpose": "legal_support", "organisation": "org-wildaf"})
    assert refused.status_code == 403
    assert (refused.json()["errors"][0]["field"], refused.json()["code"]) == ("organisation", "sharing_consent_missing")
    audit = await intake.deps.core.audit.query(resource_id=victim_id)
    assert [(e.action, e.outcome, e.reason) for e in audit if e.action.startswith("key.")] == [
        ("key.refused", "denied", "sharing_consent_missing for org-wildaf")]


async def test_key_for_legal_support_is_refused_when_no_organisation_is_named(intake):
    victim_id = await register(intake)
    async with service_client(intake, "svc-casework") as casework:
        refused = await casework.post(f"/internal/keys/{victim_id}/release", json={"purpose": "legal_support"})
    assert refused.status_code == 403
    assert refused.json()["errors"][0] == {"field": "organisation", "code": "key_organisation_required",
                                           "reason": "Indiquez l'organisation d'aide juridique pour laquelle la clé "
                                                     "est demandée."}


async def test_a_service_may_ask_only_for_its_own_purpose(intake):
    victim_id = await register(intake)
    async with service_client(intake, "svc-notify") as notify:
        refused = await notify.post(f"/internal/keys/{victim_id}/release", json=LEGAL_SUPPORT)
    assert refused.status_code == 403


async def test_key_release_needs_a_service_token_with_the_decrypt_scope(intake):
    victim_id = await register(intake)
    async with service_client(intake, "svc-notify", scopes=()) as unscoped:
        assert (await unscoped.post(f"/internal/keys/{victim_id}/release",
                                    json={"purpose": "notifications"})).status_code == 403
    async with intake.client("documentation_officer", sub="svc-notify", scopes=("pii:decrypt",)) as person:
        assert (await person.post(f"/internal/keys/{victim_id}/release",
                                  json={"purpose": "notifications"})).status_code == 403


async def test_key_of_an_unknown_victim_is_404(intake):
    async with service_client(intake, "svc-casework") as casework:
        missing = await casework.post("/internal/keys/no-such-victim/release", json=LEGAL_SUPPORT)
    assert missing.status_code == 404


async def test_key_of_an_erased_victim_is_410(intake):
    victim_id = await register(intake)
    async with intake.client("documentation_officer") as officer:
        await officer.post(f"/victims/{victim_id}/erasure", json={"reason": "consent_withdrawn"})
    async with service_client(intake, "svc-casework") as casework:
        gone = await casework.post(f"/internal/keys/{victim_id}/release", json=LEGAL_SUPPORT)
    assert gone.status_code == 410


async def test_rotation_rewraps_every_key_and_leaves_field_ciphertexts_untouched(intake):
    old_kek, new_kek = random_kek(), random_kek()
    on_old = intake.settings.model_copy(update={"mongo_db": intake.settings.mongo_db + "_rot",
                                                "kek_source": SecretStr(old_kek)})
    rotating = on_old.model_copy(update={"kek_source": SecretStr(new_kek),
                                         "kek_previous_sources": [SecretStr(old_kek)]})
    on_new = on_old.model_copy(update={"kek_source": SecretStr(new_kek)})
    old, middle, new = (IntakeApp(s, intake) for s in (on_old, rotating, on_new))
    victim_id = await register(old)
    sealed_before = await old.db["victim_identities"].find_one({"_id": victim_id})
    async with middle.client("admin", org=None) as admin:
        report = await admin.post("/admin/keys/rotate")
    async with new.client("monitor") as monitor:
        read = await monitor.get(f"/victims/{victim_id}")
    assert report.status_code == 200 and report.json()["rewrapped"] == 1
    assert read.status_code == 200 and read.json()["identity"]["name"] == "Aïssata N'Diaye"
    assert await new.db["victim_identities"].find_one({"_id": victim_id}) == sealed_before
    await intake.deps.core.client.drop_database(on_old.mongo_db)
    for harness in (old, middle, new):
        await harness.close()


async def test_only_admins_rotate(intake):
    async with intake.client("documentation_officer") as officer:
        assert (await officer.post("/admin/keys/rotate")).status_code == 403


async def test_the_rotation_command_rewraps_keys_like_the_endpoint(intake):
    old_kek, new_kek = random_kek(), random_kek()
    on_old = intake.settings.model_copy(update={"mongo_db": intake.settings.mongo_db + "_cmd",
                                                "kek_source": SecretStr(old_kek)})
    old = IntakeApp(on_old, intake)
    victim_id = await register(old)
    report = await rotate(on_old.model_copy(update={"kek_source": SecretStr(new_kek),
                                                    "kek_previous_sources": [SecretStr(old_kek)]}))
    stored = await old.db["victim_keys"].find_one({"_id": victim_id})
    assert (report["rewrapped"], report["failed"]) == (1, 0)
    assert stored["wrapped"]["kek_id"] == report["kek_id"] != old.deps.keyring.current.key_id
    await intake.deps.core.client.drop_database(on_old.mongo_db)
    await old.close()


async def test_rotation_rewraps_incidents_keys_too_and_their_narratives_stay_readable(intake):
    old_kek, new_kek = random_kek(), random_kek()
    on_old = intake.settings.model_copy(update={"mongo_db": intake.settings.mongo_db + "_inc",
                                                "kek_source": SecretStr(old_kek)})
    rotating = on_old.model_copy(update={"kek_source": SecretStr(new_kek),
                                         "kek_previous_sources": [SecretStr(old_kek)]})
    on_new = on_old.model_copy(update={"kek_source": SecretStr(new_kek)})
    old, middle, new = (IntakeApp(s, intake) for s in (on_old, rotating, on_new))
    async with old.client("monitor") as monitor:
        incident_id = (await monitor.post("/incidents", json=incident_body(narrative="Récit du témoin."))).json()["id"]
    async with middle.client("admin", org=None) as admin:
        report = await admin.post("/admin/keys/rotate")
    async with new.client("monitor") as monitor:
        read = await monitor.get(f"/incidents/{incident_id}/narrative")
    assert report.json()["rewrapped"] == 1
    assert read.json()["narrative"] == "Récit du témoin."
    await intake.deps.core.client.drop_database(on_old.mongo_db)
    for harness in (old, middle, new):
        await harness.close()
