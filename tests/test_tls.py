"""TLS to the broker (SCRAM inside TLS) and to the store (mutual TLS), with the kit's own clients.

A throwaway secure broker (deploy/local/kafka-sasl/kafka-sasl.sh with its SASL_SSL listener) and a
throwaway FerretDB with its TLS listener (deploy/local/ferretdb.sh) start on free loopback ports with
the development certificates of deploy/local/tls-certs.sh, and are stopped and wiped at the end.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiokafka.errors import KafkaConnectionError
from casework.config import Settings as CaseworkSettings
from intake.config import Settings as IntakeSettings
from pymongo.errors import ServerSelectionTimeoutError
from servicekit.consumer import ConsumedEvent, ConsumerRunner
from servicekit.ids import new_id
from servicekit.kafka import idempotent_producer, kafka_reachable
from servicekit.mongo import mongo_client
from servicekit.service import build_core
from servicekit.testing import REPO_ROOT, InProcessService, free_port, unique_name

pytestmark = pytest.mark.integration
LOCAL = REPO_ROOT / "deploy" / "local"
KEK = "base64:" + "A" * 43 + "="


@dataclass(frozen=True)
class TlsStack:
    kafka: str
    store: str
    tls: Path
    credentials: Path


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsStack]:
    state = tmp_path_factory.mktemp("tls-stack")
    env = {**os.environ, "REDRESS_STATE_DIR": str(state / "state"), "REDRESS_LOG_DIR": str(state / "logs"),
           "REDRESS_TLS_DIR": str(state / "tls"), "REDRESS_TOPIC_NAMESPACE": "", "REDRESS_READY_TIMEOUT": "180",
           "KAFKA_SASL_PORT": str(free_port()), "KAFKA_SASL_CONTROLLER_PORT": str(free_port()),
           "KAFKA_SASL_TLS_PORT": str(free_port()), "FERRETDB_PORT": str(free_port()),
           "FERRETDB_DEBUG_PORT": str(free_port()), "FERRETDB_TLS_PORT": str(free_port())}
    scripts = (LOCAL / "kafka-sasl" / "kafka-sasl.sh", LOCAL / "ferretdb.sh")
    try:
        for script in scripts:
            subprocess.run([str(script), "start"], env=env, check=True, timeout=400, cwd=REPO_ROOT)
        yield TlsStack(f"127.0.0.1:{env['KAFKA_SASL_TLS_PORT']}", f"mongodb://127.0.0.1:{env['FERRETDB_TLS_PORT']}/",
                       state / "tls", state / "state" / "kafka-sasl" / "credentials")
    finally:
        for script in scripts:
            subprocess.run([str(script), "reset"], env=env, check=False, timeout=120, cwd=REPO_ROOT)


def kafka_settings(stack: TlsStack, settings: Any, service: str, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "kafka_bootstrap": stack.kafka, "kafka_security_protocol": "SASL_SSL", "kafka_sasl_username": service,
        "kafka_sasl_password_file": stack.credentials / f"{service}.password",
        "kafka_ssl_ca_file": stack.tls / "ca.crt", "kafka_ssl_cert_file": stack.tls / f"{service}.crt",
        "kafka_ssl_key_file": stack.tls / f"{service}.key", **overrides}
    return settings(**{k: v for k, v in fields.items() if v is not None})


async def test_an_event_is_published_and_consumed_through_the_tls_broker(stack):
    intake = kafka_settings(stack, IntakeSettings, "intake", kek_source=KEK)
    casework = kafka_settings(stack, CaseworkSettings, "casework")
    envelope = InProcessService.event("intake.victim.registered.v1", new_id(), {"probe": True})
    producer = idempotent_producer(intake.kafka_bootstrap, client_id="tls-test", **intake.kafka_options())
    await producer.start()
    try:
        await producer.send_and_wait("intake.victims", envelope.value(), key=envelope.key(), headers=envelope.headers())
    finally:
        await producer.stop()

    seen: list[str] = []

    async def note(event: ConsumedEvent, deps: Any) -> None:
        seen.append(event.id)

    dlq = idempotent_producer(casework.kafka_bootstrap, client_id="tls-test-dlq", **casework.kafka_options())
    await dlq.start()
    runner = ConsumerRunner(bootstrap=casework.kafka_bootstrap, group_id="casework.intake", topics=["intake.victims"],
                            subscriptions={envelope.type: [note]}, deps=None, dlq_producer=dlq,
                            client_options=casework.kafka_options())
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    try:
        async with asyncio.timeout(60):
            while envelope.id not in seen:
                await asyncio.sleep(0.2)
    finally:
        stop.set()
        await task
        await dlq.stop()
    assert seen.count(envelope.id) == 1


async def test_a_client_that_does_not_trust_the_brokers_ca_is_refused(stack):
    untrusting = kafka_settings(stack, IntakeSettings, "intake", kek_source=KEK, kafka_ssl_ca_file=None)
    assert await kafka_reachable(stack.kafka, **kafka_settings(stack, IntakeSettings, "intake",
                                                              kek_source=KEK).kafka_options())
    producer = idempotent_producer(stack.kafka, client_id="tls-untrusting", **untrusting.kafka_options())
    with pytest.raises(KafkaConnectionError):
        await producer.start()
    await producer.stop()


def store_settings(stack: TlsStack, **overrides: Any) -> IntakeSettings:
    fields = {"mongo_url": stack.store, "mongo_db": unique_name("tls"), "kek_source": KEK,
              "mongo_tls_ca_file": stack.tls / "ca.crt", "mongo_tls_cert_key_file": stack.tls / "intake.pem",
              **overrides}
    return IntakeSettings(**{k: v for k, v in fields.items() if v is not None})


async def test_the_kit_writes_and_reads_through_the_tls_store(stack):
    core = build_core(store_settings(stack))
    try:
        await core.db["probe"].insert_one({"_id": "tls-1", "through": "tls"})
        assert await core.db["probe"].find_one({"_id": "tls-1"}) == {"_id": "tls-1", "through": "tls"}
    finally:
        await core.client.close()


@pytest.mark.parametrize("missing", ["mongo_tls_ca_file", "mongo_tls_cert_key_file"])
async def test_the_tls_store_refuses_a_client_without_the_ca_or_without_a_certificate(stack, missing):
    settings = store_settings(stack, **{missing: None})
    client = mongo_client(settings.mongo_url, app_name="tls-test", **{**settings.mongo_options(), "tls": True})
    try:
        with pytest.raises(ServerSelectionTimeoutError):
            await client[settings.database_name]["probe"].insert_one({"_id": "refused"})
    finally:
        await client.close()
