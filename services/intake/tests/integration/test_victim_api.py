"""Victim endpoints on the real store: sealed identity, audited reads, consent versions, referrals, erasure."""

from __future__ import annotations

import pytest
from intake_support import OTHER_ORG, incident_body, victim_body

pytestmark = pytest.mark.integration
NAMES = ["Aïssata N'Diaye", "Fatoumata Kɔnɛ", "Mamadou Traoré", "Ɲɛnɛ Dɔgɔ Sɔgɔba", "Oumou Sangaré-Maïga"]


async def register(intake, body=None, role="monitor", **claims) -> str:
    async with intake.client(role, **claims) as client:
        response = await client.post("/victims", json=body or victim_body())
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.mark.parametrize("name", NAMES)
async def test_french_and_bambara_names_round_trip_exactly(intake, name):
    aliases = [f"{name} dite « la tante »", "N'Golo"]
    victim_id = await register(intake, victim_body(identity={"name": name, "aliases": aliases,
                                                             "phone": "+223 76 00 00 02"}))
    async with intake.client("monitor") as monitor:
        read = await monitor.get(f"/victims/{victim_id}")
    assert read.status_code == 200
    identity = read.json()["identity"]
    assert identity["name"] == name and identity["name"].encode() == name.encode()
    assert identity["aliases"] == aliases


async def test_identity_is_stored_only_as_ciphertext(intake):
    victim_id = await register(intake, victim_body(identity={"name": "Kadiatou Doumbia", "phone": "+223 66 11 22 33",
                                                             "narrative": "Elle a vu les hommes arriver."}))
    stored = await intake.db["victim_identities"].find_one({"_id": victim_id})
    projection = await intake.db["victims"].find_one({"_id": victim_id})
    commits = await intake.db["events"].find({"aggregate_id": victim_id}).to_list()
    everything = str(stored) + str(projection) + str(commits)
    assert "Kadiatou" not in everything and "66 11 22 33" not in everything and "hommes" not in everything
    assert set(stored["fields"]) == {"name", "phone", "narrative"}
    assert all(token.startswith("v1.") for token in stored["fields"].values())


async def test_registration_publishes_contact_ciphertext_and_first_consent_version(intake):
    victim_id = await register(intake)
    commit = await intake.db["events"].find_one({"_id": f"{victim_id}:0000000001"})
    registered, consent = commit["events"]
    assert registered["type"] == "intake.victim.registered.v1" and registered["classification"] == "confidential"
    assert registered["data"]["phone_ciphertext"].startswith("v1.") and registered["data"]["email_ciphertext"] is None
    assert registered["data"]["notifications"]["language"] == "bm"
    assert consent["type"] == "intake.victim.consent_changed.v1" and consent["data"]["version"] == 1


async def test_every_read_of_a_victim_is_audited_allowed_or_denied(intake):
    victim_id = await register(intake)
    async with intake.client("monitor", sub="monitor-audit") as monitor:
        await monitor.get(f"/victims/{victim_id}")
    async with intake.client("monitor", sub="outsider-audit", org=OTHER_ORG) as outsider:
        denied = await outsider.get(f"/victims/{victim_id}")
    assert denied.status_code == 404
    entries = await intake.deps.core.audit.query(resource_id=victim_id)
    reads = {(e.actor, e.outcome) for e in entries if e.action == "victim.read"}
    assert reads == {("monitor-audit", "allowed"), ("outsider-audit", "denied")}


async def test_an_organisation_the_victim_shares_with_may_read_the_file(intake):
    body = victim_body()
    body["consent"]["sharing"] = [OTHER_ORG]
    victim_id = await register(intake, body)
    async with intake.client("documentation_officer", org=OTHER_ORG) as partner:
        read = await partner.get(f"/victims/{victim_id}")
    assert read.status_code == 200 and read.json()["identity"]["name"] == "Aïssata N'Diaye"


async def test_analysts_get_no_victim_data(intake):
    victim_id = await register(intake)
    async with intake.client("analyst") as analyst:
        assert (await analyst.get(f"/victims/{victim_id}")).status_code == 403
        assert (await analyst.post("/victims", json=victim_body())).status_code == 403


async def test_consent_change_is_a_new_version_with_the_whole_consent(intake):
    victim_id = await register(intake)
    new_consent = {"legal_support": False, "notifications": {"granted": False}, "sharing": ["org-wildaf"],
                   "statistics": True}
    async with intake.client("monitor") as monitor:
        changed = await monitor.put(f"/victims/{victim_id}/consent", json=new_consent)
    assert changed.status_code == 200 and changed.json()["consent_version"] == 2
    commit = await intake.db["events"].find_one({"_id": f"{victim_id}:0000000002"})
    data = commit["events"][0]["data"]
    assert (data["version"], data["legal_support"], data["sharing"]) == (2, False, ["org-wildaf"])
    assert data["notifications"]["granted"] is False


async def test_sms_consent_without_a_phone_is_refused(intake):
    body = victim_body(identity={"name": "Awa Coulibaly"})
    async with intake.client("monitor") as monitor:
        refused = await monitor.post("/victims", json=body)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "consent.notifications.channel"


async def test_referral_with_consent_carries_the_name_only_as_ciphertext(intake):
    victim_id = await register(intake)
    async with intake.client("monitor") as monitor:
        incident_id = (await monitor.post("/incidents", json=incident_body())).json()["id"]
        referred = await monitor.post(f"/victims/{victim_id}/referrals", json={
            "needs": ["legal_representation", "psychosocial_support"], "urgency": "high",
            "incident_ids": [incident_id], "receiving_organisation": "org-legal"})
    assert referred.status_code == 201, referred.text
    commit = await intake.db["events"].find_one({"_id": f"{victim_id}:0000000002"})
    data = commit["events"][0]["data"]
    assert commit["events"][0]["type"] == "intake.victim.referred.v1"
    assert data["referral_id"] == referred.json()["referral_id"] and data["incident_ids"] == [incident_id]
    assert data["receiving_organisation"] == "org-legal"
    assert data["name_ciphertext"].startswith("v1.") and "Aïssata" not in str(commit)


async def test_referral_without_legal_support_consent_is_a_409_and_writes_nothing(intake):
    body = victim_body()
    body["consent"]["legal_support"] = False
    victim_id = await register(intake, body)
    async with intake.client("monitor") as monitor:
        refused = await monitor.post(f"/victims/{victim_id}/referrals",
                                     json={"needs": ["legal_advice"], "urgency": "low",
                                           "receiving_organisation": "org-legal"})
    assert refused.status_code == 409
    assert refused.json()["errors"] == [{"field": "consent.legal_support", "code": "legal_support_consent_missing",
                                         "reason": "La victime n'a pas consenti à l'accompagnement juridique."}]
    assert await intake.db["events"].find_one({"_id": f"{victim_id}:0000000002"}) is None


async def test_referral_naming_an_unknown_incident_is_refused(intake):
    victim_id = await register(intake)
    async with intake.client("monitor") as monitor:
        refused = await monitor.post(f"/victims/{victim_id}/referrals",
                                     json={"needs": ["legal_advice"], "urgency": "low", "incident_ids": ["nope"],
                                           "receiving_organisation": "org-legal"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "incident_ids.0"


async def test_referral_to_an_organisation_outside_the_victims_sharing_consent_is_a_409_and_writes_nothing(intake):
    victim_id = await register(intake)  # shares with org-legal only
    async with intake.client("monitor") as monitor:
        refused = await monitor.post(f"/victims/{victim_id}/referrals", json={
            "needs": ["legal_advice"], "urgency": "low", "receiving_organisation": "org-wildaf"})
    assert refused.status_code == 409
    assert refused.json()["errors"][0] == {"field": "receiving_organisation", "code": "sharing_consent_missing",
                                           "reason": "La victime n'a pas consenti au partage de son dossier avec "
                                                     "cette organisation."}
    assert await intake.db["events"].find_one({"_id": f"{victim_id}:0000000002"}) is None


async def test_referral_to_an_unknown_organisation_is_a_422_naming_the_field(intake):
    victim_id = await register(intake)
    async with intake.client("monitor") as monitor:
        refused = await monitor.post(f"/victims/{victim_id}/referrals", json={
            "needs": ["legal_advice"], "urgency": "low", "receiving_organisation": "org-nowhere"})
    assert refused.status_code == 422
    assert (refused.json()["errors"][0]["field"], refused.json()["code"]) == ("receiving_organisation", "unknown_term")


async def test_registration_sharing_with_an_unknown_organisation_is_a_422_naming_its_position(intake):
    body = victim_body()
    body["consent"]["sharing"] = ["org-legal", "org-nowhere"]
    async with intake.client("monitor") as monitor:
        refused = await monitor.post("/victims", json=body)
    assert refused.status_code == 422
    assert (refused.json()["errors"][0]["field"], refused.json()["code"]) == ("consent.sharing.1", "unknown_term")


async def test_erasure_shreds_key_and_ciphertexts_keeps_the_audit_fact(intake):
    victim_id = await register(intake)
    async with intake.client("documentation_officer", sub="officer-erase") as officer:
        erased = await officer.post(f"/victims/{victim_id}/erasure", json={"reason": "consent_withdrawn"})
        after = await officer.get(f"/victims/{victim_id}")
    assert erased.status_code == 200 and erased.json()["erased_at"]
    assert after.status_code == 410
    assert await intake.db["victim_keys"].find_one({"_id": victim_id}) is None
    assert await intake.db["victim_identities"].find_one({"_id": victim_id}) is None
    commit = await intake.db["events"].find_one({"_id": f"{victim_id}:0000000002"})
    assert commit["events"][0]["type"] == "intake.victim.erased.v1" and commit["actor"] == "officer-erase"
    assert commit["events"][0]["data"]["reason"] == "consent_withdrawn"
    audit = await intake.deps.core.audit.query(resource_id=victim_id)
    assert [(e.action, e.actor, e.reason) for e in audit if e.action == "victim.erased"] == [
        ("victim.erased", "officer-erase", "consent_withdrawn")]


async def test_erasing_twice_records_one_erasure(intake):
    victim_id = await register(intake)
    async with intake.client("documentation_officer") as officer:
        first = await officer.post(f"/victims/{victim_id}/erasure", json={"reason": "legal_request"})
        second = await officer.post(f"/victims/{victim_id}/erasure", json={"reason": "legal_request"})
    assert first.status_code == second.status_code == 200
    assert await intake.db["events"].find_one({"_id": f"{victim_id}:0000000003"}) is None


async def test_monitors_cannot_erase(intake):
    victim_id = await register(intake)
    async with intake.client("monitor") as monitor:
        assert (await monitor.post(f"/victims/{victim_id}/erasure", json={"reason": "other"})).status_code == 403


async def test_consent_of_an_erased_victim_cannot_change(intake):
    victim_id = await register(intake)
    async with intake.client("documentation_officer") as officer:
        await officer.post(f"/victims/{victim_id}/erasure", json={"reason": "other"})
        refused = await officer.put(f"/victims/{victim_id}/consent", json={"legal_support": True})
    assert refused.status_code == 410


async def test_incident_acts_may_name_only_known_victims(intake):
    victim_id = await register(intake)
    async with intake.client("monitor") as monitor:
        known = await monitor.post("/incidents", json=incident_body(
            acts=[{"violation_type": "torture", "victim_ids": [victim_id]}]))
        unknown = await monitor.post("/incidents", json=incident_body(
            acts=[{"violation_type": "torture", "victim_ids": [victim_id, "not-a-victim"]}]))
    assert known.status_code == 201
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "acts.0.victim_ids.1"


@pytest.mark.parametrize("typed", ["+223 75 69 94 68", "75 69 94 68", "00223 75-69-94-68"])
async def test_a_phone_is_kept_in_e164_however_it_was_typed(intake, typed):
    victim_id = await register(intake, victim_body(identity={"name": "Awa Coulibaly", "phone": typed}))
    async with intake.client("monitor") as monitor:
        read = await monitor.get(f"/victims/{victim_id}")
    assert read.json()["identity"]["phone"] == "+22375699468"


async def test_a_phone_that_cannot_be_e164_is_a_422_naming_the_field(intake):
    body = victim_body(identity={"name": "Awa Coulibaly", "phone": "75 69 94"})
    async with intake.client("monitor") as monitor:
        refused = await monitor.post("/victims", json=body)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "identity.phone", "reason": refused.json()["detail"],
                                         "code": "phone_not_routable"}]


async def test_an_organisation_claim_of_any_shape_is_audited_without_failing_the_registration(intake):
    async with intake.client("monitor", org="o") as monitor:
        registered = await monitor.post("/victims", json=victim_body())
    assert registered.status_code == 201, registered.text
    [entry] = await intake.deps.core.audit.query(resource_id=registered.json()["id"])
    assert entry.owner_organisation == "o"
