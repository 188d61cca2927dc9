"""Kafka with SASL/SCRAM and ACLs per service principal (deploy/local/kafka-sasl/).

A throwaway broker in secure mode is started on free ports with its own state dir, by the same
script an operator runs, and stopped at the end. Each service's SCRAM principal may write only its
own topics, see and read only what its consumer groups subscribe to, and join only its own groups.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import GroupAuthorizationFailedError, KafkaConnectionError, TopicAuthorizationFailedError
from servicekit.testing import REPO_ROOT, free_port

pytestmark = pytest.mark.integration

SCRIPT = REPO_ROOT / "deploy" / "local" / "kafka-sasl" / "kafka-sasl.sh"


def _load_acl_spec() -> ModuleType:
    """deploy/local/kafka-sasl/acl_spec.py, by path: what each principal should be allowed."""
    spec = importlib.util.spec_from_file_location("redress_acl_spec", SCRIPT.with_name("acl_spec.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


acl_spec = _load_acl_spec()


@dataclass(frozen=True)
class SecureKafka:
    bootstrap: str
    credentials: Path

    def client_args(self, user: str, password: str | None = None) -> dict[str, str]:
        secret = password or (self.credentials / f"{user}.password").read_text().strip()
        return {"bootstrap_servers": self.bootstrap, "security_protocol": "SASL_PLAINTEXT",
                "sasl_mechanism": "SCRAM-SHA-512", "sasl_plain_username": user, "sasl_plain_password": secret}


@pytest.fixture(scope="module")
def secure_kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureKafka]:
    state = tmp_path_factory.mktemp("kafka-sasl")
    env = {**os.environ, "REDRESS_STATE_DIR": str(state / "state"), "REDRESS_LOG_DIR": str(state / "logs"),
           "KAFKA_SASL_PORT": str(free_port()), "KAFKA_SASL_CONTROLLER_PORT": str(free_port()),
           "REDRESS_TOPIC_NAMESPACE": "", "REDRESS_READY_TIMEOUT": "180"}
    try:
        subprocess.run([str(SCRIPT), "start"], env=env, check=True, timeout=400, cwd=REPO_ROOT)
        yield SecureKafka(f"127.0.0.1:{env['KAFKA_SASL_PORT']}", state / "state" / "kafka-sasl" / "credentials")
    finally:
        subprocess.run([str(SCRIPT), "reset"], env=env, check=False, timeout=120, cwd=REPO_ROOT)


async def _produce(kafka: SecureKafka, user: str, topic: str, password: str | None = None) -> int:
    producer = AIOKafkaProducer(**kafka.client_args(user, password), enable_idempotence=True, acks="all",
                                request_timeout_ms=15000)
    await producer.start()
    try:
        metadata = await asyncio.wait_for(producer.send_and_wait(topic, b'{"probe": true}', key=b"probe"), 30)
        return metadata.offset
    finally:
        await producer.stop()


async def _visible_topics(kafka: SecureKafka, user: str) -> set[str]:
    consumer = AIOKafkaConsumer(**kafka.client_args(user), group_id=None)
    await consumer.start()
    try:
        return {topic for topic in await consumer.topics() if not topic.startswith("__")}
    finally:
        await consumer.stop()


async def _read_all(kafka: SecureKafka, user: str, topic: str, seconds: float = 8.0) -> int:
    """Records read from every partition of a topic within a bounded time (no consumer group)."""
    consumer = AIOKafkaConsumer(**kafka.client_args(user), group_id=None, enable_auto_commit=False,
                                auto_offset_reset="earliest")
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, partition) for partition in range(3)])
        read, deadline = 0, time.monotonic() + seconds
        while time.monotonic() < deadline and not read:
            batches = await consumer.getmany(timeout_ms=500)
            read += sum(len(records) for records in batches.values())
        return read
    finally:
        await consumer.stop()


async def test_intake_principal_writes_to_its_own_topic(secure_kafka):
    assert await _produce(secure_kafka, "intake", "intake.victims") >= 0


async def test_intake_principal_is_refused_when_writing_to_a_casework_topic(secure_kafka):
    with pytest.raises(TopicAuthorizationFailedError):
        await _produce(secure_kafka, "intake", "casework.cases")


@pytest.mark.parametrize("service", acl_spec.SERVICES)
async def test_each_principal_sees_only_its_own_and_its_subscribed_topics(secure_kafka, service):
    """The broker's authorizer shows a principal exactly the topics its ACLs name, no more."""
    declared = acl_spec.service_topics(service)
    every_topic = {line[1] for line in acl_spec.spec_lines() if line[0] == "topic"}
    expected = {t for t in every_topic if t.startswith(f"{service}.")} | declared.consumed | declared.dead_letters
    assert await _visible_topics(secure_kafka, service) == expected


async def test_a_subscriber_reads_a_topic_that_a_non_subscriber_cannot(secure_kafka):
    await _produce(secure_kafka, "intake", "intake.victims")
    assert "intake.victims" in acl_spec.service_topics("notify").consumed  # notify subscribes: control
    assert await _read_all(secure_kafka, "notify", "intake.victims") > 0
    assert "intake.victims" not in acl_spec.service_topics("education").consumed
    assert await _read_all(secure_kafka, "education", "intake.victims", seconds=4.0) == 0


async def test_a_producer_reads_back_its_own_topic_for_its_webhooks_but_not_another_services(secure_kafka):
    """intake's webhooks group reads its own topics; a casework topic it does not subscribe to stays closed."""
    await _produce(secure_kafka, "intake", "intake.victims")
    assert await _read_all(secure_kafka, "intake", "intake.victims") > 0
    assert "casework.hearings" not in acl_spec.service_topics("intake").consumed
    await _produce(secure_kafka, "casework", "casework.hearings")
    assert await _read_all(secure_kafka, "casework", "casework.hearings") > 0  # control: the record is there
    assert await _read_all(secure_kafka, "intake", "casework.hearings", seconds=4.0) == 0


async def test_a_principal_cannot_join_another_services_consumer_group(secure_kafka):
    consumer = AIOKafkaConsumer(**secure_kafka.client_args("casework"), group_id="notify.recipients",
                                enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        consumer.subscribe(["intake.victims"])
        with pytest.raises(GroupAuthorizationFailedError):
            await asyncio.wait_for(consumer.getmany(timeout_ms=5000), 30)
    finally:
        await consumer.stop()


async def test_a_wrong_password_is_refused(secure_kafka):
    with pytest.raises(KafkaConnectionError):
        await _produce(secure_kafka, "intake", "intake.victims", password="not-the-password")


async def test_a_client_without_sasl_is_refused(secure_kafka):
    producer = AIOKafkaProducer(bootstrap_servers=secure_kafka.bootstrap, request_timeout_ms=5000)
    with pytest.raises(KafkaConnectionError):
        await producer.start()
    await producer.stop()


async def _records(kafka: SecureKafka, user: str, topic: str, seconds: float = 8.0) -> list[Any]:
    """Every record of a topic readable within a bounded time, as `user` (no consumer group)."""
    consumer = AIOKafkaConsumer(**kafka.client_args(user), group_id=None, enable_auto_commit=False,
                                auto_offset_reset="earliest")
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, partition) for partition in range(3)])
        found, deadline = [], time.monotonic() + seconds
        while time.monotonic() < deadline:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                found += batch
        return found
    finally:
        await consumer.stop()


def _secure_service(service: str, kafka: SecureKafka, infra: Any, jwks: Path, tmp: Path, namespace_db: str,
                    intake_url: str, signing_key: Path) -> list[Any]:
    """API and worker of one service, authenticating to the secure broker as its own principal."""
    from servicekit.testing import ServiceProcess, service_env

    prefix, port = service.upper(), free_port()
    env = service_env(service, infra, namespace="", db=f"{namespace_db}_{service}", jwks_file=jwks, port=port, extra={
        f"{prefix}_KAFKA_BOOTSTRAP": kafka.bootstrap, f"{prefix}_KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        f"{prefix}_KAFKA_SASL_MECHANISM": "SCRAM-SHA-512", f"{prefix}_KAFKA_SASL_USERNAME": service,
        f"{prefix}_KAFKA_SASL_PASSWORD_FILE": str(kafka.credentials / f"{service}.password"),
        f"{prefix}_INTAKE_URL": intake_url, f"{prefix}_DEV_SIGNING_KEY_FILE": str(signing_key),
        "INTAKE_KEK_SOURCE": "base64:" + "A" * 43 + "=", "CASEWORK_NOTES_KEY_SOURCE": "base64:" + "B" * 43 + "="})
    return [ServiceProcess(service, kind, env, tmp / f"{service}-{kind}.log", port=port if kind == "api" else None)
            for kind in ("api", "worker")]


async def test_intake_and_casework_run_on_the_secure_broker_as_their_own_principals(secure_kafka, infra, tmp_path):
    """Real processes: intake publishes as `intake`, casework consumes it as `casework`, all under the ACLs."""
    from servicekit.devtokens import ensure_dev_keypair, mint_token
    from servicekit.testing import header

    key, jwks = ensure_dev_keypair(tmp_path / "keys")
    intake = _secure_service("intake", secure_kafka, infra, jwks, tmp_path, f"sasl_{free_port()}", "", key)
    intake_url = intake[0].url
    casework = _secure_service("casework", secure_kafka, infra, jwks, tmp_path, f"sasl_{free_port()}", intake_url,
                               key)
    processes = intake + casework
    for process in processes:
        process.start()
    try:
        for api in (intake[0], casework[0]):
            api.wait_healthy(timeout=180)
        monitor = {"Authorization": f"Bearer {mint_token(key, subject='monitor-sasl', roles=['monitor'], org='o')}"}
        manager_token = mint_token(key, subject="cm-sasl", roles=["case_manager"], org="org-legal")
        manager = {"Authorization": f"Bearer {manager_token}"}
        async with httpx.AsyncClient(timeout=15.0) as client:
            for api in (intake[0], casework[0]):
                # /readyz asks the broker for its cluster: 200 only if the service authenticated.
                assert (await client.get(f"{api.url}/readyz")).status_code == 200, api.service
            created = await client.post(f"{intake_url}/victims", headers=monitor, json={
                "sex": "male", "age_band": "60+", "region": "kayes",
                "consent": {"legal_support": True, "sharing": ["org-legal"]}})
            assert created.status_code == 201, created.text
            victim_id = created.json()["id"]
            referred = await client.post(f"{intake_url}/victims/{victim_id}/referrals", headers=monitor,
                                         json={"needs": ["legal_advice"], "urgency": "low",
                                               "receiving_organisation": "org-legal"})
            assert referred.status_code == 201, referred.text
            referral_id = referred.json()["referral_id"]
            # intake's relay published as `intake` (read back by a subscriber's principal)...
            deadline = time.monotonic() + 90
            while not [r for r in await _records(secure_kafka, "notify", "intake.victims", seconds=3.0)
                       if header(r, "ce_subject") == victim_id]:
                assert time.monotonic() < deadline, "intake's relay did not publish as its own principal"
            # ...and casework's consumer group read it as `casework`.
            while (await client.get(f"{casework[0].url}/referrals/{referral_id}", headers=manager)).status_code != 200:
                assert time.monotonic() < deadline, "casework did not consume the referral as its own principal"
                await asyncio.sleep(0.5)
    finally:
        for process in processes:
            process.stop()
