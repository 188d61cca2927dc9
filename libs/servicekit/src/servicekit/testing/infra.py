"""The real infrastructure for tests (never mocks): broker and store, ports, service processes, topic readers."""

from __future__ import annotations

import asyncio
import os
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord
from pymongo.asynchronous.database import AsyncDatabase

from ..commits import OUTBOX_FIELD, PENDING

# Tokens from the real OpenID provider (docs/identity.md), offered here beside the other test helpers.
from ..providertokens import login_with_pkce, provider_token  # noqa: F401

REPO_ROOT = Path(__file__).resolve().parents[5]


@dataclass(frozen=True)
class Infra:
    """Where the broker and the store are, and whether this test session started them."""

    kafka_bootstrap: str
    mongo_url: str
    managed: bool


def infra_from_env_or_stack() -> Infra:
    """Existing servers from REDRESS_KAFKA_BOOTSTRAP/REDRESS_MONGO_URL; else containers where a Docker
    engine answers (or REDRESS_INFRA=testcontainers); else the project's local stack scripts."""
    bootstrap = os.environ.get("REDRESS_KAFKA_BOOTSTRAP")
    mongo_url = os.environ.get("REDRESS_MONGO_URL")
    if bootstrap and mongo_url:
        return Infra(bootstrap, mongo_url, managed=os.environ.get("REDRESS_STACK_MANAGED") == "1")
    choice = os.environ.get("REDRESS_INFRA", "")
    if choice == "testcontainers" or (choice != "scripts" and _docker_engine_answers()):
        return infra_from_testcontainers()
    subprocess.run([str(REPO_ROOT / "deploy/local/stack.sh"), "up"], check=True, cwd=REPO_ROOT)
    port_kafka = os.environ.get("KAFKA_PORT", "19092")
    port_mongo = os.environ.get("FERRETDB_PORT", "27117")
    return Infra(f"127.0.0.1:{port_kafka}", f"mongodb://127.0.0.1:{port_mongo}/", managed=True)


def _docker_engine_answers() -> bool:
    try:
        subprocess.run(["docker", "info"], capture_output=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return False
    return True


def infra_from_testcontainers() -> Infra:
    """The official Kafka (KRaft) and MongoDB images, stopped when the test process exits."""
    import atexit

    from testcontainers.core.container import DockerContainer
    from testcontainers.core.waiting_utils import wait_for_logs
    from testcontainers.mongodb import MongoDbContainer

    port = free_port()
    kafka = DockerContainer("apache/kafka:4.1.1").with_bind_ports(9092, port)
    for name, value in {
        "KAFKA_NODE_ID": "1", "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_LISTENERS": "PLAINTEXT://:9092,CONTROLLER://:9093",
        "KAFKA_ADVERTISED_LISTENERS": f"PLAINTEXT://127.0.0.1:{port}",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@localhost:9093", "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1", "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR": "1", "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
    }.items():
        kafka = kafka.with_env(name, value)
    kafka.start()
    atexit.register(kafka.stop)
    wait_for_logs(kafka, "Kafka Server started", timeout=180)
    mongo = MongoDbContainer("mongo:7")
    mongo.start()
    atexit.register(mongo.stop)
    return Infra(f"127.0.0.1:{port}", mongo.get_connection_url(), managed=False)


def unique_name(prefix: str) -> str:
    """A name no other test uses (databases, topics, consumer groups)."""
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


async def read_topic(bootstrap: str, topic: str, *, expected: int | None = None, timeout: float = 20.0,
                     idle: float = 1.5) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record of a topic from the beginning (no consumer group), until `expected` or idle."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None,
                                auto_offset_reset="earliest", metadata_max_age_ms=1000)
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    try:
        deadline = time.monotonic() + timeout
        partitions: set[int] = set()
        while not partitions and time.monotonic() < deadline:
            partitions = consumer.partitions_for_topic(topic) or set()
            if not partitions:
                await consumer._client.force_metadata_update()
                await asyncio.sleep(0.2)
        consumer.assign([TopicPartition(topic, p) for p in sorted(partitions)])
        await consumer.seek_to_beginning()
        last_new = time.monotonic()
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for recs in batch.values():
                records += recs
                last_new = time.monotonic()
            if expected is not None and len(records) >= expected and time.monotonic() - last_new > 0.3:
                break
            if expected is None and time.monotonic() - last_new > idle:
                break
    finally:
        await consumer.stop()
    return records


def header(record: ConsumerRecord[bytes, bytes], name: str) -> str | None:
    """A header of a record as text."""
    for key, value in record.headers or ():
        if key == name:
            return value.decode()
    return None


# Ports handed out recently, shared by every test run on the machine: between free_port() and the
# service's own bind() a process takes seconds to start, and another run's free_port() could hand
# out the same port in that window (seen: intake's API lost its port to another run's service).
PORT_CLAIMS = Path(os.environ.get("REDRESS_PORT_CLAIMS") or Path(tempfile.gettempdir()) / "redress-port-claims")
PORT_CLAIM_SECONDS = 600.0


def free_port() -> int:
    """A TCP port nobody listens on right now (loopback) and no other test run claimed recently."""
    import socket

    PORT_CLAIMS.mkdir(parents=True, exist_ok=True)
    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if _claim(port):
            return port
    raise RuntimeError("no unclaimed free port after 50 tries")


def _claim(port: int) -> bool:
    """Claim `port` for PORT_CLAIM_SECONDS (a file created exclusively); False when another run holds it."""
    claim = PORT_CLAIMS / str(port)
    try:
        if time.time() - claim.stat().st_mtime > PORT_CLAIM_SECONDS:
            claim.unlink(missing_ok=True)  # an old claim: its run has long bound the port or given it up
    except FileNotFoundError:
        pass
    try:
        os.close(os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


@dataclass
class ServiceProcess:
    """One real service process (API or worker) started for a system test."""

    service: str
    kind: str
    env: dict[str, str]
    log_path: Path
    port: int | None = None
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        import sys

        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen([sys.executable, "-m", f"{self.service}.entrypoints.{self.kind}"],
                                     env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT)

    def wait_healthy(self, timeout: float = 120.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                tail = self.log_path.read_text(errors="replace")[-2000:] if self.log_path.exists() else ""
                raise RuntimeError(f"{self.service} {self.kind} exited; log tail:\n{tail}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200 and self._answers_itself():
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        tail = self.log_path.read_text(errors="replace")[-2000:] if self.log_path.exists() else ""
        raise TimeoutError(f"{self.service} API not healthy after {timeout}s; log tail:\n{tail}")

    def _answers_itself(self) -> bool:
        """Whether the service on the port is this one: another process holding the port would pass /healthz."""
        import httpx

        title = httpx.get(f"{self.url}/openapi.json", timeout=5.0).json().get("info", {}).get("title", "")
        return bool(title.endswith(f" {self.service}"))

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def service_env(service: str, infra: Infra, *, namespace: str, db: str, jwks_file: Path, port: int | None = None,
                extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment of one service process pointed at the test infrastructure."""
    prefix = service.upper() + "_"
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefix)}
    env.update({
        f"{prefix}KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
        f"{prefix}MONGO_URL": infra.mongo_url,
        f"{prefix}MONGO_DB": db,
        f"{prefix}TOPIC_NAMESPACE": namespace,
        f"{prefix}AUTH_JWKS_FILE": str(jwks_file),
        f"{prefix}RELAY_ABORT_GRACE_SECONDS": "10",
        f"{prefix}LOG_LEVEL": "INFO",
        f"{prefix}METRICS_PORT": "0",  # parallel test processes would fight over 9464; a test names its port
    })
    if port is not None:
        env[f"{prefix}HTTP_PORT"] = str(port)
    env.update(extra or {})
    return env


async def pending_commits(db: AsyncDatabase[Any], **criteria: Any) -> int:
    """How many commits still wait for the relay (each commit is its own outbox entry)."""
    return await db["events"].count_documents({OUTBOX_FIELD: PENDING, **criteria})
