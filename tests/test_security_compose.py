"""docker-compose.secure.yml secures Kafka for every service: checked by parsing, no Docker engine needed.

The runtime behaviour of the same broker settings (SCRAM, StandardAuthorizer, ACLs, the admin
password through DirectoryConfigProvider) is proven on a real broker by test_security_kafka_acls.py.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("intake", "casework", "advocacy", "education", "notify")
SASL_DIR = ROOT / "deploy" / "local" / "kafka-sasl"
# The TLS settings of every service and the Docker secret each names ({s}: the service).
TLS_FILES = {"KAFKA_SSL_CA_FILE": "tls_ca", "KAFKA_SSL_CERT_FILE": "tls_{s}_cert", "KAFKA_SSL_KEY_FILE": "tls_{s}_key",
             "MONGO_TLS_CA_FILE": "tls_ca", "MONGO_TLS_CERT_KEY_FILE": "tls_{s}_pem"}


def _load(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def _secrets(service: dict[str, Any]) -> set[str]:
    return {item if isinstance(item, str) else item["source"] for item in service.get("secrets", [])}


@pytest.fixture(scope="module")
def merged() -> dict[str, dict[str, Any]]:
    """The secure override merged onto the base file the way Compose merges these keys."""
    base, secure = _load("docker-compose.yml"), _load("docker-compose.secure.yml")
    services = {name: dict(service) for name, service in base["services"].items()}
    for name, override in secure["services"].items():
        service = services.setdefault(name, {})
        for key, value in override.items():
            if key == "environment":
                service[key] = {**_env(service), **_env(override)}
            elif key == "secrets":
                service[key] = sorted(_secrets(service) | _secrets(override))
            elif key == "depends_on":
                service[key] = {**(service.get(key) or {}), **value}
            else:
                service[key] = value
    return {"services": services, "secrets": {**base.get("secrets", {}), **secure.get("secrets", {})}}


def test_every_broker_listener_authenticates_and_the_authorizer_denies_by_default(merged):
    env = _env(merged["services"]["kafka"])
    protocols = dict(pair.split(":") for pair in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    listeners = [entry.split("://")[0] for entry in env["KAFKA_LISTENERS"].split(",")]
    assert all(protocols[listener].startswith("SASL_") for listener in listeners), protocols
    assert env["KAFKA_LISTENER_NAME_SASL__SSL_SASL_ENABLED_MECHANISMS"] == "SCRAM-SHA-512"
    assert env["KAFKA_ADVERTISED_LISTENERS"].startswith("SASL_SSL://kafka:9092"), "services reach it over TLS"
    assert env["KAFKA_LISTENER_NAME_SASL__SSL_SSL_TRUSTSTORE_LOCATION"] == "/run/secrets/tls_ca"
    assert env["KAFKA_AUTHORIZER_CLASS_NAME"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert env["KAFKA_SUPER_USERS"] == "User:admin"
    assert env["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert "ports" not in merged["services"]["kafka"], "the broker must not be published on the host"


def test_the_admin_password_is_a_secret_not_a_literal(merged):
    env = _env(merged["services"]["kafka"])
    for listener in ("INTERNAL", "CONTROLLER"):
        key = f"KAFKA_LISTENER_NAME_{listener}_PLAIN_SASL_JAAS_CONFIG"
        assert 'password="$${dir:/run/secrets:kafka_admin_password}"' in env[key], env[key]
    assert "kafka_admin_password" in _secrets(merged["services"]["kafka"])
    for name, secret in merged["secrets"].items():
        assert secret["file"].startswith("./.cache/"), f"secret {name} must live outside version control"


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_authenticates_as_itself_with_only_its_own_password(merged, service):
    prefix = service.upper()
    for name in (service, f"{service}-worker"):
        container = merged["services"][name]
        env = _env(container)
        assert env[f"{prefix}_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
        assert env[f"{prefix}_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
        assert env[f"{prefix}_KAFKA_SASL_USERNAME"] == service
        assert env[f"{prefix}_KAFKA_SASL_PASSWORD_FILE"] == f"/run/secrets/kafka_{service}_password"
        kafka_secrets = {s for s in _secrets(container) if s.startswith("kafka_")}
        assert kafka_secrets == {f"kafka_{service}_password"}, f"{name} may hold only its own Kafka password"
        assert container["depends_on"]["kafka-init"]["condition"] == "service_completed_successfully"


def test_the_init_job_applies_the_committed_acl_spec(merged):
    init = merged["services"]["kafka-init"]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in init["volumes"]}
    assert mounts["/etc/redress/acls.tsv"] == "./deploy/local/kafka-sasl/acls.tsv"
    assert mounts["/etc/redress/compose-init.sh"] == "./deploy/local/kafka-sasl/compose-init.sh"
    assert {f"kafka_{user}_password" for user in ("admin", *SERVICES)} <= _secrets(init)
    assert init["depends_on"]["kafka"]["condition"] == "service_healthy"


def test_the_committed_acl_spec_matches_the_services_code():
    spec = importlib.util.spec_from_file_location("redress_acl_spec_compose", SASL_DIR / "acl_spec.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    current = "".join("\t".join(line) + "\n" for line in module.spec_lines())
    committed = (SASL_DIR / "acls.tsv").read_text(encoding="utf-8")
    assert committed == current, (
        "a service's topics or subscriptions changed: regenerate with "
        "`uv run python deploy/local/kafka-sasl/acl_spec.py > deploy/local/kafka-sasl/acls.tsv`")


def test_the_init_script_is_valid_posix_shell():
    subprocess.run(["sh", "-n", str(SASL_DIR / "compose-init.sh")], check=True)


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_mounts_the_ca_and_only_its_own_client_certificate(merged, service):
    prefix = service.upper()
    for name in (service, f"{service}-worker"):
        container = merged["services"][name]
        env = _env(container)
        for setting, secret in TLS_FILES.items():
            assert env[f"{prefix}_{setting}"] == f"/run/secrets/{secret.format(s=service)}"
        tls = {s for s in _secrets(container) if s.startswith("tls_")}
        assert tls == {secret.format(s=service) for secret in TLS_FILES.values()}, f"{name}: its own key only"


def test_the_store_accepts_tls_only_with_a_client_certificate(merged):
    mongo = merged["services"]["mongo"]
    command = mongo["command"]
    assert command[command.index("--tlsMode") + 1] == "requireTLS"
    assert command[command.index("--tlsCAFile") + 1] == "/run/secrets/tls_ca"
    assert "--tlsAllowConnectionsWithoutCertificates" not in command
    assert "--tlsCertificateKeyFile" in mongo["healthcheck"]["test"]


def test_compose_secrets_makes_every_certificate_the_override_mounts(merged, tmp_path):
    env = {**os.environ, "REDRESS_CACHE_DIR": str(tmp_path)}
    subprocess.run([str(ROOT / "deploy" / "local" / "compose-secrets.sh")], env=env, check=True, capture_output=True)
    files = {name: tmp_path / Path(secret["file"]).relative_to(".cache") for name, secret in merged["secrets"].items()
             if name.startswith("tls_")}
    assert files and all(path.is_file() for path in files.values()), files
    for service in SERVICES:
        cert = files[f"tls_{service}_cert"]
        verify = ["openssl", "verify", "-CAfile", str(files["tls_ca"]), str(cert)]
        subprocess.run(verify, check=True, capture_output=True)
        subject = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-subject"], check=True,
                                 capture_output=True, text=True).stdout
        assert f"CN = {service}" in subject
        pem = files[f"tls_{service}_pem"].read_text(encoding="ascii")
        assert "BEGIN CERTIFICATE" in pem and "PRIVATE KEY" in pem
        assert files[f"tls_{service}_key"].stat().st_mode & 0o077 == 0, "private keys are readable by their owner only"
