"""Privileged data: encrypted notes, the victim's name through the key port, consent and erasure."""

from __future__ import annotations

from datetime import timedelta

import pytest

pytestmark = pytest.mark.integration

NOTE = "Témoin clé : le chef de village, joignable au marché de Sévaré le jeudi."


async def test_notes_are_readable_by_the_case_lawyers_and_stored_only_encrypted(cw):
    case_id, _ = await cw.open_case()
    created = await cw.client.post(f"/cases/{case_id}/notes", json={"text": NOTE},
                                   headers=cw.headers("lawyer", sub="lawyer-a"))
    assert created.status_code == 201
    read = await cw.client.get(f"/cases/{case_id}/notes", headers=cw.headers("lawyer", sub="lawyer-a"))
    assert [n["text"] for n in read.json()] == [NOTE]
    assert read.headers["cache-control"] == "no-store"
    stored = await cw.deps.core.db["case_notes"].find_one({"_id": created.json()["id"]})
    assert "Sévaré" not in str(stored) and stored["ciphertext"].startswith("v1.")
    assert "Sévaré" not in str(await cw.deps.core.db["events"].find({"aggregate_id": case_id}).to_list())


async def test_case_managers_and_other_lawyers_do_not_read_notes(cw):
    case_id, _ = await cw.open_case()
    await cw.client.post(f"/cases/{case_id}/notes", json={"text": NOTE}, headers=cw.headers("lawyer", sub="lawyer-a"))
    assert (await cw.client.get(f"/cases/{case_id}/notes", headers=cw.headers("case_manager"))).status_code == 403
    other = await cw.client.get(f"/cases/{case_id}/notes", headers=cw.headers("lawyer", sub="lawyer-b"))
    assert other.status_code == 404


async def test_an_assigned_lawyer_sees_the_victims_name_and_the_access_is_audited(cw):
    case_id, victim_id = await cw.open_case()
    response = await cw.client.get(f"/cases/{case_id}/victims/{victim_id}/name",
                                   headers=cw.headers("lawyer", sub="lawyer-a"))
    assert response.status_code == 200
    assert response.json() == {"victim_id": victim_id, "name": "Aminata Traoré"}
    entry = await cw.deps.core.db["audit_log"].find_one({"resource_id": victim_id})
    assert (entry["action"], entry["outcome"], entry["purpose"]) == ("victim.name_read", "allowed", "legal_support")
    assert entry["owner_organisation"] == "org-doc"  # the referring organisation's officers may read it
    assert cw.names.asked_for == [(victim_id, "org-legal")]  # the key is asked for the case's organisation
    assert "Aminata" not in str(entry)
    stored = await cw.deps.core.db["victim_identities"].find_one({"_id": victim_id})
    assert "Aminata" not in str(stored)


async def test_the_name_is_not_shown_to_case_managers_or_other_lawyers(cw):
    case_id, victim_id = await cw.open_case()
    path = f"/cases/{case_id}/victims/{victim_id}/name"
    assert (await cw.client.get(path, headers=cw.headers("case_manager"))).status_code == 403
    assert (await cw.client.get(path, headers=cw.headers("lawyer", sub="lawyer-b"))).status_code == 404


async def test_a_key_refused_by_the_custodian_is_403_and_audited_as_denied(cw):
    case_id, victim_id = await cw.open_case()
    cw.names.refusals[victim_id] = 403
    response = await cw.client.get(f"/cases/{case_id}/victims/{victim_id}/name",
                                   headers=cw.headers("lawyer", sub="lawyer-a"))
    assert response.status_code == 403
    entry = await cw.deps.core.db["audit_log"].find_one({"resource_id": victim_id})
    assert entry["outcome"] == "denied"


async def test_withdrawn_consent_flags_the_case_and_hides_the_name(cw):
    case_id, victim_id = await cw.open_case()
    withdrawal = cw.intake_event("intake.victim.consent_changed.v1", victim_id,
                                 {"victim_id": victim_id, "legal_support": False})
    await cw.deliver(withdrawal)
    await cw.deliver(withdrawal)
    case = (await cw.client.get(f"/cases/{case_id}", headers=cw.headers("lawyer", sub="lawyer-a"))).json()
    assert case["flags"] == ["consent_withdrawn"]
    assert await cw.count("events", {"aggregate_id": case_id, "events.type": "casework.case.flagged.v1"}) == 1
    name = await cw.client.get(f"/cases/{case_id}/victims/{victim_id}/name",
                               headers=cw.headers("lawyer", sub="lawyer-a"))
    assert name.status_code == 403
    assert victim_id in cw.names.forgotten


async def test_an_older_consent_event_arriving_late_does_not_undo_a_withdrawal(cw):
    case_id, victim_id = await cw.open_case()
    earlier = cw.clock() - timedelta(minutes=5)
    await cw.deliver(cw.intake_event("intake.victim.consent_changed.v1", victim_id,
                                     {"victim_id": victim_id, "legal_support": False}))
    await cw.deliver(cw.intake_event("intake.victim.consent_changed.v1", victim_id,
                                     {"victim_id": victim_id, "legal_support": True}, at=earlier))
    case = (await cw.client.get(f"/cases/{case_id}", headers=cw.headers("case_manager"))).json()
    assert case["flags"] == ["consent_withdrawn"]


async def test_renewed_consent_lifts_the_flag(cw):
    case_id, victim_id = await cw.open_case()
    later = cw.clock() + timedelta(minutes=5)
    await cw.deliver(cw.intake_event("intake.victim.consent_changed.v1", victim_id,
                                     {"victim_id": victim_id, "legal_support": False}))
    await cw.deliver(cw.intake_event("intake.victim.consent_changed.v1", victim_id,
                                     {"victim_id": victim_id, "legal_support": True}, at=later))
    case = (await cw.client.get(f"/cases/{case_id}", headers=cw.headers("case_manager"))).json()
    assert case["flags"] == []


async def test_erasure_removes_the_name_and_notes_and_flags_the_case(cw):
    case_id, victim_id = await cw.open_case()
    await cw.client.post(f"/cases/{case_id}/notes", json={"text": NOTE}, headers=cw.headers("lawyer", sub="lawyer-a"))
    erased = cw.intake_event("intake.victim.erased.v1", victim_id,
                             {"victim_id": victim_id, "erased_at": cw.clock().isoformat(), "reason": "legal_request"})
    await cw.deliver(erased)
    await cw.deliver(erased)
    assert await cw.deps.core.db["victim_identities"].find_one({"_id": victim_id}) is None
    assert await cw.count("case_notes", {"case_id": case_id}) == 0
    case = (await cw.client.get(f"/cases/{case_id}", headers=cw.headers("lawyer", sub="lawyer-a"))).json()
    assert (case["flags"], case["victim_ids"]) == (["victim_erased"], [victim_id])
    name = await cw.client.get(f"/cases/{case_id}/victims/{victim_id}/name",
                               headers=cw.headers("lawyer", sub="lawyer-a"))
    assert name.status_code == 410
    note = await cw.client.post(f"/cases/{case_id}/notes", json={"text": "x"},
                                headers=cw.headers("lawyer", sub="lawyer-a"))
    assert note.status_code == 409


async def test_a_referral_arriving_after_its_victims_erasure_keeps_no_name(cw):
    envelope = cw.referral_event()
    victim_id = envelope.data["victim_id"]
    await cw.deliver(cw.intake_event("intake.victim.erased.v1", victim_id,
                                     {"victim_id": victim_id, "erased_at": cw.clock().isoformat(), "reason": "x"}))
    await cw.deliver(envelope)
    assert await cw.deps.core.db["victim_identities"].find_one({"_id": victim_id}) is None
    entry = (await cw.client.get(f"/referrals/{envelope.subject}", headers=cw.headers("case_manager"))).json()
    assert entry["flags"] == ["victim_erased"]
