"""docker-compose.yml stays runnable: checked by parsing it, no Docker engine needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PORTS = {"intake": 8001, "casework": 8002, "advocacy": 8003, "education": 8004, "notify": 8005}


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return compose["services"]


def env_of(svc: dict[str, Any]) -> dict[str, str]:
    env = svc.get("environment", {})
    if isinstance(env, list):  # the "KEY=value" list form is legal compose too
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def command_of(svc: dict[str, Any]) -> str:
    cmd = svc.get("command", "")
    return " ".join(cmd) if isinstance(cmd, list) else str(cmd)


def assert_builds_from_its_dockerfile(svc: dict[str, Any], name: str) -> None:
    build = svc["build"]
    context = ROOT / build["context"]
    dockerfile = context / build["dockerfile"]
    assert context.resolve() == ROOT, "the build context must be the repo root (workspace lock, servicekit)"
    assert dockerfile.resolve() == (ROOT / "services" / name / "Dockerfile").resolve()
    assert dockerfile.is_file(), f"{dockerfile} is missing"


def assert_waits_for_healthy_infra(svc: dict[str, Any]) -> None:
    depends = svc["depends_on"]
    for infra in ("kafka", "mongo"):
        assert depends[infra]["condition"] == "service_healthy"


def assert_points_at_infra(env: dict[str, str], name: str) -> None:
    prefix = name.upper()
    assert env[f"{prefix}_KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert env[f"{prefix}_MONGO_URL"].startswith("mongodb://mongo:27017/")
    assert "replicaSet=rs0" in env[f"{prefix}_MONGO_URL"]
    assert env[f"{prefix}_MONGO_DB"]


@pytest.mark.parametrize("name", sorted(PORTS))
def test_service_api_container_is_complete(services: dict[str, Any], name: str) -> None:
    svc = services[name]
    port = PORTS[name]
    assert_builds_from_its_dockerfile(svc, name)
    assert_waits_for_healthy_infra(svc)
    assert_points_at_infra(env_of(svc), name)
    assert f"{port}:{port}" in [str(p) for p in svc["ports"]]
    assert command_of(svc) == f"python -m {name}.entrypoints.api"
    health = " ".join(svc["healthcheck"]["test"])
    assert f"http://localhost:{port}/healthz" in health


@pytest.mark.parametrize("name", sorted(PORTS))
def test_service_worker_container_is_complete(services: dict[str, Any], name: str) -> None:
    worker = services[f"{name}-worker"]
    assert_builds_from_its_dockerfile(worker, name)
    assert_waits_for_healthy_infra(worker)
    assert_points_at_infra(env_of(worker), name)
    assert command_of(worker) == f"python -m {name}.entrypoints.worker"
    assert worker.get("image") == services[name].get("image"), "the worker reuses the API's image"


@pytest.mark.parametrize("name", sorted(PORTS))
def test_dockerfile_exposes_port_and_runs_api_unprivileged(name: str) -> None:
    text = (ROOT / "services" / name / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM python:3.11-slim" in text
    assert f"uv sync --frozen --package {name} --no-dev" in text
    assert f"EXPOSE {PORTS[name]}" in text
    assert "\nUSER " in text and "USER root" not in text
    assert f'CMD ["python", "-m", "{name}.entrypoints.api"]' in text


def test_kafka_is_single_node_kraft(services: dict[str, Any]) -> None:
    kafka = services["kafka"]
    env = env_of(kafka)
    assert kafka["image"] == "apache/kafka:4.1.1"
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] == "CONTROLLER"
    assert "ZOOKEEPER" not in " ".join(env).upper()
    for key in (
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR",
    ):
        assert env[key] == "1"
    assert kafka["healthcheck"]["test"]
    assert any(str(v).endswith(":/var/lib/kafka/data") for v in kafka["volumes"])


def test_mongo_is_an_initiated_single_node_replica_set(services: dict[str, Any]) -> None:
    mongo = services["mongo"]
    assert mongo["image"].startswith("mongo:7")
    command = command_of(mongo)
    assert "--replSet rs0" in command
    health = " ".join(mongo["healthcheck"]["test"])
    assert "rs.initiate" in health and "isWritablePrimary" in health
    assert any(str(v).endswith(":/data/db") for v in mongo["volumes"])


def test_named_volumes_are_declared(services: dict[str, Any]) -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    declared = set(compose["volumes"])
    for svc in services.values():
        for volume in svc.get("volumes", []):
            source = str(volume).split(":", 1)[0]
            if not source.startswith((".", "/")):
                assert source in declared, f"volume {source} is not declared"
