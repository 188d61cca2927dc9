"""Canary test of the whole system, and crypto-shredding end to end.

The security proofs' own system (tests/conftest.py `security_stack`: every service, API and worker,
as real processes) runs with a span hook on PYTHONPATH (tests/security/spanhook) that exports every
span of every process to files, and with notify sending through a loopback SMS gateway. Unique
canary identities are planted through the public APIs: a victim with a canary name, aliases, phone,
e-mail, address and narrative, consenting to legal support and SMS; an incident naming her, with a
canary narrative and her own account as its source's; a referral to a legal-aid organisation she
shares with; the case manager accepts, the lawyer schedules a hearing, writes a note naming her, reads
her name through the key path; notify texts her. Then intake erases her. Afterwards every record on
every topic of the run (dead letters included), every log line, every exported span and every
document of every collection of every service's database is scanned: zero canary hits, and no trace
of the secrets of the run either (the bearer tokens used, a data key as intake released it, the KEK
and casework's notes key). Intake's encrypted fields are scanned too: they hold ciphertext, so they
cannot match.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import security_canary as canary
from servicekit.testing import eventually_sync, header

from tests.conftest import SERVICES as ALL_SERVICES

pytestmark = pytest.mark.integration

BAMAKO = ZoneInfo("Africa/Bamako")


@dataclass(frozen=True)
class Planted:
    identity: dict[str, Any]
    texts: dict[str, str]
    victim_id: str
    incident_id: str
    referral_id: str
    case_id: str
    # Secrets that went over the wire in this run: bearer tokens, and a data key as intake released it.
    secrets: frozenset[str]


def _ok(response: httpx.Response, status: int) -> Any:
    assert response.status_code == status, f"{response.request.method} {response.request.url.path}: " \
                                           f"{response.status_code} {response.text[:300]}"
    return response.json() if response.content else None


@pytest.fixture(scope="module")
def planted(security_stack) -> Planted:
    """The whole flow, driven through the public APIs with a canary identity."""
    system, identity = security_stack.system, canary.canary_identity()
    now = datetime.now(BAMAKO)
    monitor = system.client("intake", "monitor", org="org-amdh", sub="monitor-canary")
    victim_id = _ok(monitor.post("/victims", json={
        "sex": "female", "age_band": "25-39", "region": "mopti", "identity": identity,
        "consent": {"legal_support": True, "statistics": True, "sharing": ["org-legal"], "notifications": {
            "granted": True, "channel": "sms", "language": "fr",
            # A window around now (Bamako time), so notify may send at once.
            "safe_hours_start": (now - timedelta(hours=1)).strftime("%H:%M"),
            "safe_hours_end": (now + timedelta(hours=3)).strftime("%H:%M")}}}), 201)["id"]
    texts = canary.incident_texts(identity)
    incident_id = _ok(monitor.post("/incidents", json={
        "occurred_on": "2024-03-02", "region": "mopti", "violation_types": ["killings"],
        "acts": [{"violation_type": "killings", "victim_ids": [victim_id]}],
        "sources": [{"kind": "victim_testimony", "reliability": "B"}], "narrative": texts["narrative"],
        "source_accounts": [{"source": 0, "text": texts["account"], "given_by_victim": victim_id}]}), 201)["id"]
    read_back = _ok(monitor.get(f"/incidents/{incident_id}/narrative"), 200)
    assert (read_back["narrative"], read_back["source_accounts"][0]["text"]) == (texts["narrative"], texts["account"])
    referral_id = _ok(monitor.post(f"/victims/{victim_id}/referrals", json={
        "needs": ["legal_representation"], "urgency": "high", "incident_ids": [incident_id],
        "receiving_organisation": "org-legal"}), 201)["referral_id"]

    manager = system.client("casework", "case_manager", org="org-legal", sub="manager-canary")
    eventually_sync(lambda: manager.get(f"/referrals/{referral_id}").status_code == 200, "the referral in casework")
    case_id = _ok(manager.post(f"/referrals/{referral_id}/accept", json={"lawyers": ["lawyer-canary"]}), 201)["case_id"]
    lawyer = system.client("casework", "lawyer", org="org-legal", sub="lawyer-canary")
    starts_at = (now + timedelta(days=10)).replace(hour=9, minute=30, second=0, microsecond=0)
    _ok(lawyer.post(f"/cases/{case_id}/hearings", json={
        "court": "ml-tgi-bamako-c1", "starts_at": starts_at.isoformat(), "purpose": "civil_party_hearing"}), 201)
    # Lawyers write names into notes: the note is a canary too.
    _ok(lawyer.post(f"/cases/{case_id}/notes", json={
        "text": f"Entretien avec {identity['name']} ({identity['phone']}, {identity['email']})."}), 201)
    name_path = f"/cases/{case_id}/victims/{victim_id}/name"
    revealed = eventually_sync(lambda: (r := lawyer.get(name_path)).status_code == 200 and r.json(),
                               "the victim's name through the key path")
    assert revealed["name"] == identity["name"], "the key path must give the assigned lawyer the real name"
    # The data key as notify would get it: it must never be written anywhere either.
    released = _release(system, victim_id, "svc-notify", "notifications")
    assert released.status_code == 200, released.text
    tokens = {client.headers["Authorization"].removeprefix("Bearer ") for client in (monitor, manager, lawyer)}
    secrets = {released.json()["data_key"], *tokens, *(token.rsplit(".", 1)[1] for token in tokens)}
    return Planted(identity, texts, victim_id, incident_id, referral_id, case_id, frozenset(secrets))


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def test_notify_texted_the_victims_real_number_in_victim_safe_words(security_stack, planted):
    """The carrier is the one party that gets the number: notify decrypted it through the key path."""
    wanted = _digits(planted.identity["phone"])
    sent = eventually_sync(lambda: [m for m in security_stack.sink.messages() if _digits(m.to).endswith(wanted[-8:])],
                      "an SMS to the victim", timeout=90.0)
    for message in sent:
        assert not [n for n in canary.needles(planted.identity) if n in message.message], message.message
    admin = security_stack.system.client("notify", "notify_admin", org="org-legal")
    deliveries = eventually_sync(lambda: admin.get(f"/victims/{planted.victim_id}/deliveries").json()["items"],
                            "notify's delivery record")
    assert deliveries and all(planted.identity["phone"] not in str(d) for d in deliveries)


def _audited(system: Any, service: str, victim_id: str) -> list[dict[str, Any]]:
    with system.client(service, "admin", org=None, sub="auditor-canary") as admin:
        return _ok(admin.get("/audit", params={"victim_id": victim_id, "limit": 1000}), 200)["entries"]


def test_every_read_of_her_data_is_audited_by_the_service_that_served_it(security_stack, planted):
    """Who read which victim's data, in intake, casework and notify: pseudonymous ids only."""
    system, victim_id = security_stack.system, planted.victim_id
    with system.client("intake", "documentation_officer", org="org-amdh", sub="officer-reader") as officer:
        assert officer.get(f"/victims/{victim_id}").status_code == 200
    with system.client("notify", "notify_admin", org=None, sub="notify-reader") as notify_admin:
        assert notify_admin.get(f"/victims/{victim_id}/deliveries").status_code == 200
    expected = {"intake": "officer-reader", "casework": "lawyer-canary", "notify": "notify-reader"}
    for service, reader in expected.items():
        entries = eventually_sync(lambda s=service, r=reader: [e for e in _audited(system, s, victim_id)
                                                          if e["actor"] == r], f"{service}'s audit of {reader}")
        assert all(e["outcome"] == "allowed" for e in entries), entries
        assert not [n for n in canary.needles(planted.identity) if n in str(entries)]


def test_a_documentation_officer_reads_who_touched_her_organisations_victim_in_intake_and_casework(
        security_stack, planted):
    """The entries about org-amdh's records, in every service that served them; another organisation sees none."""
    system, victim_id = security_stack.system, planted.victim_id
    for service, action, actor in (("intake", "incident.narrative_read", "monitor-canary"),
                                   ("casework", "victim.name_read", "lawyer-canary")):
        with system.client(service, "documentation_officer", org="org-amdh", sub="officer-oversight") as officer:
            resource = planted.incident_id if action.startswith("incident") else victim_id
            entries = eventually_sync(lambda o=officer, r=resource, a=action: [
                e for e in _ok(o.get("/audit", params={"resource_id": r}), 200)["entries"] if e["action"] == a],
                f"{service}'s entries about org-amdh's record")
            assert {(e["actor"], e["owner_organisation"]) for e in entries} == {(actor, "org-amdh")}
        with system.client(service, "documentation_officer", org="org-fidh", sub="officer-elsewhere") as other:
            assert _ok(other.get("/audit", params={"victim_id": victim_id}), 200)["entries"] == []


def test_every_services_audit_chain_verifies_after_the_flow(security_stack, planted):
    for service in ALL_SERVICES:
        with security_stack.system.client(service, "admin", org=None, sub="auditor-chain") as admin:
            report = _ok(admin.get("/audit/integrity"), 200)
        assert report["ok"], (service, report["problems"])


@pytest.fixture(scope="module")
def erased(security_stack, planted: Planted) -> Planted:
    """A documentation officer erases the victim (consent withdrawn), after notify has texted her."""
    eventually_sync(lambda: any(_digits(m.to).endswith(_digits(planted.identity["phone"])[-8:])
                           for m in security_stack.sink.messages()), "the SMS before erasure", timeout=90.0)
    officer = security_stack.system.client("intake", "documentation_officer", org="org-amdh", sub="officer-canary")
    _ok(officer.post(f"/victims/{planted.victim_id}/erasure", json={"reason": "consent_withdrawn"}), 200)
    return planted


def _release(system: Any, victim_id: str, subject: str, purpose: str) -> httpx.Response:
    token = system.token("", org=None, sub=subject, scopes=("pii:decrypt",), service=True)
    body = {"purpose": purpose, **({"organisation": "org-legal"} if purpose == "legal_support" else {})}
    return httpx.post(f"{system.url('intake')}/internal/keys/{victim_id}/release", json=body,
                      headers={"Authorization": f"Bearer {token}"}, timeout=10.0)


async def test_after_erasure_no_service_can_decrypt_the_ciphertext_that_remains(security_stack, erased, infra, mongo):
    system, victim_id = security_stack.system, erased.victim_id
    # The only source of the data key refuses it for good, for every purpose and every service.
    for subject, purpose in (("svc-notify", "notifications"), ("svc-casework", "legal_support")):
        response = _release(system, victim_id, subject, purpose)
        assert response.status_code == 410, f"{subject}: {response.status_code} {response.text}"
    # The wrapped key is gone from intake's store: nothing is left to unwrap, even with the KEK.
    intake_db = mongo[f"{system.db_prefix}_intake"]
    assert await intake_db["victim_keys"].find_one({"_id": victim_id}) is None
    # Yet ciphertext of her identity is still out there, in the Kafka log (it cannot be deleted from it).
    topics = await canary.namespace_topics(infra.kafka_bootstrap, system.namespace)
    records = await canary.kafka_records(infra.kafka_bootstrap, topics)
    remaining = {c for _, r in records if header(r, "ce_subject") == victim_id
                 for c in canary.ciphertexts_in(canary.record_text(r))}
    assert remaining, "expected the victim's registration event to carry her contact as ciphertext"
    assert any(header(r, "ce_type") == "intake.victim.erased.v1" and header(r, "ce_subject") == victim_id
               for _, r in records), "the erasure is announced on the bus"
    # Casework held her key in memory (the lawyer read her name): the erasure event must make it forget.
    lawyer = system.client("casework", "lawyer", org="org-legal", sub="lawyer-canary")
    refused = eventually_sync(lambda: (r := lawyer.get(f"/cases/{erased.case_id}/victims/{victim_id}/name"))
                         .status_code != 200 and r, "casework to drop the cached key", timeout=60.0)
    assert refused.status_code in (404, 410) and erased.identity["name"] not in refused.text
    # Intake itself no longer shows an identity, nor the account she gave (sealed under her key); the
    # incident's own narrative stays with the organisation's documentation.
    monitor = system.client("intake", "monitor", org="org-amdh", sub="monitor-canary")
    assert erased.identity["name"] not in monitor.get(f"/victims/{victim_id}").text
    texts = _ok(monitor.get(f"/incidents/{erased.incident_id}/narrative"), 200)
    assert (texts["narrative"], texts["source_accounts"][0]["status"]) == (erased.texts["narrative"], "erased")


def test_the_audit_trail_keeps_who_erased_the_victim_and_why(security_stack, erased):
    admin = security_stack.system.client("intake", "admin", org=None, sub="auditor-canary")
    entries = _ok(admin.get("/audit", params={"victim_id": erased.victim_id, "limit": 1000}), 200)["entries"]
    erasures = [e for e in entries if e["action"] == "victim.erased"]
    assert len(erasures) == 1, entries
    assert erasures[0]["actor"] == "officer-canary" and erasures[0]["outcome"] == "allowed"
    assert erasures[0]["reason"] == "consent_withdrawn" or erasures[0]["purpose"] == "consent_withdrawn"
    actions = {e["action"] for e in entries}
    assert {"key.released", "victim.read"} & actions, f"key releases and reads are audited too: {actions}"
    assert not [n for n in canary.needles(erased.identity) if n in str(entries)]


def _configured_secrets(system: Any) -> set[str]:
    """Key material the processes were started with (KEK, notes key): never to be written anywhere."""
    env = {**system.processes["intake:api"].env, **system.processes["casework:api"].env}
    return {env[name].removeprefix("base64:") for name in ("INTAKE_KEK_SOURCE", "CASEWORK_NOTES_KEY_SOURCE")
            if env.get(name, "").startswith("base64:")}


async def test_no_canary_or_secret_on_any_topic_log_line_span_or_store(security_stack, erased, infra, mongo):
    system = security_stack.system
    secrets = set(erased.secrets) | _configured_secrets(system)
    assert len(secrets) >= 6, "tokens, a released data key, the KEK and the notes key are all looked for"
    wanted = canary.needles(erased.identity) | set(erased.texts.values()) | secrets
    # Let the erasure's consequences settle in every consumer before the stores are read.
    eventually_sync(lambda: _release(system, erased.victim_id, "svc-notify", "notifications").status_code == 410,
               "the erasure to be visible")
    topics = await canary.namespace_topics(infra.kafka_bootstrap, system.namespace)
    records = await canary.kafka_records(infra.kafka_bootstrap, topics)
    kafka = canary.scan_kafka(records, wanted)
    logs = canary.scan_lines(system.log_files(), wanted, "log")
    span_files = sorted(security_stack.span_dir.glob("*.jsonl"))
    spans = canary.scan_lines(span_files, wanted, "span")
    stores, counts = await canary.scan_stores(mongo, [f"{system.db_prefix}_{s}" for s in ALL_SERVICES], wanted)

    print(f"\ncanary scan: {kafka.places} records on {len(topics)} topics, {logs.places} log lines, "
          f"{spans.places} spans in {len(span_files)} files, {stores.places} documents in {len(counts)} collections")
    # The scan must have looked where the flow went, or zero hits would prove nothing.
    produced = {t.removeprefix(system.namespace) for t, _ in records}
    assert {"intake.victims", "intake.incidents", "casework.cases", "casework.hearings",
            "notify.deliveries"} <= produced, produced
    assert {f.name.split("-")[0] for f in span_files} >= set(ALL_SERVICES), "every service exported spans"
    assert logs.places > 0 and spans.places > 50
    assert counts.get(f"{system.db_prefix}_casework.audit_log", 0) > 0
    # Positive control: the same scanners do find this run's own non-secret identifiers in each place.
    victim, run = {erased.victim_id}, {system.namespace.rstrip(".")}
    assert canary.scan_kafka(records, victim).hits, "control: the victim's pseudonymous id is on the bus"
    # Request spans name the route template, never the raw path, so the victim's id is in no span;
    # the relay's and consumers' spans name the run's topics.
    assert canary.scan_lines(span_files, run, "span").hits, "control: spans name the run's topics"
    assert not canary.scan_lines(span_files, victim, "span").hits, "a request span holds a raw path"
    assert (await canary.scan_stores(mongo, [f"{system.db_prefix}_casework"], victim))[0].hits, "control: store"
    assert canary.scan_lines(system.log_files(), run, "log").hits, "control: logs name the run's topics"
    hits = kafka.hits + logs.hits + spans.hits + stores.hits
    assert not hits, f"{len(hits)} canary hits:\n" + "\n".join(hits[:50])
