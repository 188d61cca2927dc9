"""End to end through real processes: intake and casework events become exactly one SMS per cause.

intake, casework and notify run as real API and worker processes on the real broker and store;
notify sends through a local SMS gateway (Africa's Talking and Twilio request shapes) started by
this test, and obtains the victim's key from intake's real key-release endpoint. Every event notify
consumes is re-published once more with the same CloudEvent id, as a redelivery would be.
"""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import json
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from servicekit.devtokens import ensure_dev_keypair
from servicekit.kafka import idempotent_producer
from servicekit.testing import (
    REPO_ROOT,
    ServiceProcess,
    eventually_sync,
    free_port,
    header,
    read_topic,
    service_env,
    unique_name,
)

from tests.conftest import System

pytestmark = pytest.mark.integration
SERVICES = ("intake", "casework", "notify")
PHONE = "+223 76 54 32 10"
BAMAKO = ZoneInfo("Africa/Bamako")


def _gateway_module() -> ModuleType:
    name = "notify_test_support_gateway"
    if name not in sys.modules:
        path = REPO_ROOT / "services/notify/tests/support/gateway.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        sys.modules[name] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture(scope="module")
def gateway() -> Iterator[Any]:
    with _gateway_module().LocalGateway() as gw:
        yield gw


def start_stack(infra: Any, tmp: Path, notify_env: dict[str, str]) -> System:
    """intake, casework and notify as API + worker processes; every process is stopped if one fails to start."""
    private_key, jwks = ensure_dev_keypair(tmp / "keys")
    stack = System(namespace=unique_name("t").replace("_", "") + ".", db_prefix=unique_name("sys"),
                   private_key=private_key)
    log_dir = REPO_ROOT / ".cache" / "logs" / "system" / stack.namespace.rstrip(".")
    ports = {service: free_port() for service in SERVICES}
    kek = "base64:" + base64.b64encode(os.urandom(32)).decode()
    try:
        for service in SERVICES:
            prefix = service.upper()
            extra = {f"{prefix}_DEV_SIGNING_KEY_FILE": str(private_key), "INTAKE_KEK_SOURCE": kek,
                     f"{prefix}_INTAKE_URL": f"http://127.0.0.1:{ports['intake']}",
                     **(notify_env if service == "notify" else {})}
            env = service_env(service, infra, namespace=stack.namespace, db=f"{stack.db_prefix}_{service}",
                              jwks_file=jwks, port=ports[service], extra=extra)
            for kind in ("api", "worker"):
                process = ServiceProcess(service, kind, env, log_dir / f"{service}-{kind}.log",
                                         port=ports[service] if kind == "api" else None)
                stack.processes[f"{service}:{kind}"] = process
                process.start()
        for service in SERVICES:
            stack.processes[f"{service}:api"].wait_healthy(timeout=120)  # shared machines can be slow
    except BaseException:
        stop_stack(stack)
        raise
    return stack


def stop_stack(stack: System) -> None:
    for process in stack.processes.values():
        process.stop()


@pytest.fixture(scope="module")
def stack(infra: Any, gateway: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """intake, casework and notify as processes; notify wired to the local gateway."""
    notify_env = {
        "NOTIFY_SMS_PRIMARY_KIND": "africastalking", "NOTIFY_SMS_PRIMARY_BASE_URL": gateway.base_url,
        "NOTIFY_SMS_PRIMARY_ACCOUNT": gateway.at_username, "NOTIFY_SMS_PRIMARY_SECRET": gateway.at_api_key,
        "NOTIFY_SMS_PRIMARY_SENDER": "REDRESS", "NOTIFY_CALLBACK_PHONE": "+223 20 22 33 44",
        "NOTIFY_CALLBACK_TOKEN": "e2e-callback-token", "NOTIFY_PHONE_INDEX_KEY": "e2e-phone-index-key",
        "NOTIFY_DISPATCHER_POLL_SECONDS": "0.2", "NOTIFY_RETRY_BASE_DELAY_SECONDS": "0.05",
    }
    stack = start_stack(infra, tmp_path_factory.mktemp("notify-e2e"), notify_env)
    yield stack
    stop_stack(stack)


def wide_safe_hours() -> dict[str, str]:
    """A safe window around now (Bamako time), so the test never depends on the hour it runs at."""
    now = datetime.now(BAMAKO)
    return {"safe_hours_start": (now - timedelta(hours=1)).strftime("%H:%M"),
            "safe_hours_end": (now + timedelta(hours=3)).strftime("%H:%M")}


async def _lag(bootstrap: str, group: str, topic: str) -> int:
    """Records of `topic` the group has not committed yet."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="notify-e2e-admin")
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    ends: dict[int, int] = {}
    for record in await read_topic(bootstrap, topic, timeout=10, idle=0.5):
        ends[record.partition] = max(ends.get(record.partition, 0), record.offset + 1)
    done = {tp.partition: meta.offset for tp, meta in committed.items() if tp.topic == topic}
    return sum(end - done.get(partition, 0) for partition, end in ends.items())


def notify_consumed_everything(stack: Any, infra: Any) -> bool:
    """Both notify consumer groups committed every record of their topics (redeliveries included)."""
    pairs = [("recipients", "intake.victims"), ("messages", "casework.cases"), ("messages", "casework.hearings")]
    return all(asyncio.run(_lag(infra.kafka_bootstrap, f"{stack.namespace}notify.{purpose}",
                                stack.namespace + topic)) == 0 for purpose, topic in pairs)


def settled(stack: Any, victim_id: str) -> list[dict[str, Any]] | None:
    """The victim's deliveries once none is being sent or due now (the dispatcher polls every 0.2 s)."""
    now = datetime.now(UTC)
    current = deliveries(stack, victim_id)
    busy = [d for d in current if d["status"] == "dispatching"
            or (d["status"] == "pending" and datetime.fromisoformat(d["due_at"]) <= now)]
    return None if busy else current


async def _republish(bootstrap: str, topic: str, key: str) -> int:
    """Publish every record keyed `key` once more, unchanged (same ids): a redelivery."""
    records = [r for r in await read_topic(bootstrap, topic, timeout=10, idle=1.0) if r.key == key.encode()]
    producer = idempotent_producer(bootstrap, client_id="notify-e2e-redelivery")
    await producer.start()
    try:
        for record in records:
            await producer.send_and_wait(topic, record.value, key=record.key, headers=list(record.headers))
    finally:
        await producer.stop()
    return len(records)


def republish(stack: Any, infra: Any, topic: str, key: str) -> int:
    return asyncio.run(_republish(infra.kafka_bootstrap, stack.namespace + topic, key))


def sms_to(gateway: Any, phone: str) -> list[Any]:
    digits = phone.replace(" ", "")
    return [r for r in gateway.requests() if r.form.get("to", "").replace(" ", "") == digits]


@pytest.fixture(scope="module")
def case(stack: Any, infra: Any) -> dict[str, str]:
    """A victim registered in intake (phone, notification consent), referred, accepted in casework."""
    monitor = stack.client("intake", "monitor", org="org-doc")
    victim = monitor.post("/victims", json={
        "sex": "female", "age_band": "25-39", "region": "mopti", "identity": {"phone": PHONE},
        "consent": {"legal_support": True, "sharing": ["org-legal"],
                    "notifications": {"granted": True, "channel": "sms", "language": "fr", **wide_safe_hours()}}})
    assert victim.status_code == 201, victim.text
    victim_id = victim.json()["id"]
    referral = monitor.post(f"/victims/{victim_id}/referrals", json={"needs": ["legal_representation"],
                                                                      "urgency": "high",
                                                                      "receiving_organisation": "org-legal"})
    assert referral.status_code == 201, referral.text
    manager = stack.client("casework", "case_manager", org="org-legal")
    referral_id = referral.json()["referral_id"]
    eventually_sync(lambda: manager.get(f"/referrals/{referral_id}").status_code == 200)
    accepted = manager.post(f"/referrals/{referral_id}/accept", json={"lawyers": ["lawyer-e2e"]})
    assert accepted.status_code == 201, accepted.text
    return {"victim_id": victim_id, "referral_id": referral_id, "case_id": accepted.json()["case_id"]}


def deliveries(stack: Any, victim_id: str) -> list[dict[str, Any]]:
    admin = stack.client("notify", "notify_admin", org="org-legal")
    return admin.get(f"/victims/{victim_id}/deliveries").json()["items"]


def test_referral_and_hearing_each_reach_the_victim_exactly_once(stack: Any, infra: Any, gateway: Any,
                                                                 case: dict[str, str]) -> None:
    lawyer = stack.client("casework", "lawyer", sub="lawyer-e2e", org="org-legal")
    starts_at = (datetime.now(BAMAKO) + timedelta(days=10)).replace(hour=9, minute=30, second=0, microsecond=0)
    hearing = lawyer.post(f"/cases/{case['case_id']}/hearings", json={
        "court": "ml-tgi-bamako-c1", "starts_at": starts_at.isoformat(), "purpose": "civil_party_hearing"})
    assert hearing.status_code == 201, hearing.text
    eventually_sync(lambda: len(sms_to(gateway, PHONE)) == 2)
    assert republish(stack, infra, "intake.victims", case["victim_id"]) >= 2
    assert republish(stack, infra, "casework.cases", case["referral_id"]) >= 1
    assert republish(stack, infra, "casework.hearings", hearing.json()["id"]) == 1
    eventually_sync(lambda: notify_consumed_everything(stack, infra))
    done = eventually_sync(lambda: settled(stack, case["victim_id"]))
    bodies = [r.form["message"] for r in sms_to(gateway, PHONE)]
    assert len(bodies) == 2
    # The referral notice and the hearing notice are independent deliveries, both due at once: either may go first.
    hearing_notices = [b for b in bodies if "Tribunal de grande instance de la Commune I" in b]
    assert len(hearing_notices) == 1 and starts_at.strftime("%Y") in hearing_notices[0]
    assert sorted((d["kind"], d["status"]) for d in done) == [
        ("hearing_reminder", "pending"), ("hearing_reminder", "pending"), ("hearing_scheduled", "sent"),
        ("referral_accepted", "sent")]


def test_notify_events_on_the_bus_never_carry_the_number_or_the_message(stack: Any, infra: Any, gateway: Any,
                                                                       case: dict[str, str]) -> None:
    eventually_sync(lambda: sms_to(gateway, PHONE))
    records = asyncio.run(read_topic(infra.kafka_bootstrap, stack.namespace + "notify.deliveries", timeout=15))
    assert {header(r, "ce_type") for r in records} >= {"notify.delivery.scheduled.v1", "notify.delivery.sent.v1"}
    text = " ".join(r.value.decode() + json.dumps([[k, v.decode()] for k, v in r.headers]) for r in records)
    assert "76543210" not in text.replace(" ", "") and "Tribunal" not in text and "appelez" not in text


def test_a_stop_reply_through_the_real_api_stops_every_later_message(stack: Any, infra: Any, gateway: Any,
                                                                     case: dict[str, str]) -> None:
    eventually_sync(lambda: sms_to(gateway, PHONE))
    before = len(sms_to(gateway, PHONE))
    url = stack.url("notify") + "/webhooks/africastalking/inbound?token=e2e-callback-token"
    reply = asyncio.run(gateway.post_inbound_sms("africastalking", url, from_number=PHONE.replace(" ", ""),
                                                 text="Arrêt"))
    assert reply.status_code == 200
    lawyer = stack.client("casework", "lawyer", sub="lawyer-e2e", org="org-legal")
    starts_at = (datetime.now(UTC) + timedelta(days=20)).replace(microsecond=0)
    hearing = lawyer.post(f"/cases/{case['case_id']}/hearings", json={
        "court": "ml-tgi-bamako-c1", "starts_at": starts_at.isoformat(), "purpose": "civil_party_hearing"})
    assert hearing.status_code == 201, hearing.text
    eventually_sync(lambda: notify_consumed_everything(stack, infra))
    eventually_sync(lambda: settled(stack, case["victim_id"]))
    assert len(sms_to(gateway, PHONE)) == before
    assert {d["reason"] for d in deliveries(stack, case["victim_id"]) if d["status"] == "cancelled"} == {"opted_out"}


def test_notify_webhooks_refuse_unauthenticated_callers(stack: Any) -> None:
    answer = httpx.post(stack.url("notify") + "/webhooks/africastalking/inbound?token=wrong",
                        data={"from": PHONE, "text": "STOP"}, timeout=10)
    assert answer.status_code == 403
