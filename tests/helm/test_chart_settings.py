"""Every setting a service reads has a place in the chart's values, with the code's default, and
every variable the chart renders is one the service reads and accepts."""

from __future__ import annotations

import importlib
import os
from typing import Any

import chart_check
import pytest
import yaml
from helm_manifests import container, render_with
from pydantic import TypeAdapter

SERVICES = chart_check.SERVICES
# Set by the chart from its structured values (kafka, mongo, api, auth, intakeUrl), not from `env`.
STRUCTURED = {
    "HTTP_HOST", "HTTP_PORT", "KAFKA_BOOTSTRAP", "KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM",
    "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD_FILE", "MONGO_URL", "MONGO_DB", "AUTH_ISSUER", "AUTH_AUDIENCE",
    "AUTH_JWKS_FILE", "AUTH_JWKS_URL", "DEV_SIGNING_KEY_FILE", "OAUTH_TOKEN_URL", "OAUTH_CLIENT_ID",
    "OAUTH_CLIENT_SECRET", "INTAKE_URL", "OIDC_ISSUER", "OIDC_JWKS_URL", "CORS_ALLOWED_ORIGINS",
    "METRICS_PORT", "KAFKA_SSL_CA_FILE", "KAFKA_SSL_CERT_FILE", "KAFKA_SSL_KEY_FILE", "MONGO_TLS_CA_FILE",
    "MONGO_TLS_CERT_KEY_FILE",
}
# Fixed by the code: a service is what it is.
NEVER_SET = {"SERVICE_NAME"}


def _settings_class(service: str) -> Any:
    return importlib.import_module(f"{service}.config").Settings


def _fields(service: str) -> dict[str, Any]:
    return {name.upper(): field for name, field in _settings_class(service).model_fields.items()}


def _values(service: str) -> dict[str, dict[str, Any]]:
    """The chart's defaults merged with the service's values file, for the setting maps."""
    chart = yaml.safe_load((chart_check.CHART / "values.yaml").read_text(encoding="utf-8"))
    own = yaml.safe_load((chart_check.HELM_DIR / "values" / f"{service}.yaml").read_text(encoding="utf-8"))
    return {key: {**(chart.get(key) or {}), **(own.get(key) or {})} for key in ("env", "secretEnv", "secretFiles")}


@pytest.mark.parametrize("service", SERVICES)
def test_every_setting_of_the_service_has_a_place_in_the_values(service):
    values = _values(service)
    mapped = STRUCTURED | set(values["env"]) | set(values["secretEnv"]) | set(values["secretFiles"])
    assert set(_fields(service)) - NEVER_SET - mapped == set(), "add the new settings to deploy/helm/values"


@pytest.mark.parametrize("service", SERVICES)
def test_values_hold_the_code_defaults(service):
    fields = _fields(service)
    for name, value in _values(service)["env"].items():
        if value is None:
            continue  # not set: the code's default applies
        field = fields[name]
        assert TypeAdapter(field.annotation).validate_python(value) == field.get_default(call_default_factory=True), (
            f"{service} {name}: the values say {value!r}, the code {field.get_default(call_default_factory=True)!r}")


def test_every_structured_setting_is_rendered_from_its_value(helm_tools):
    full = render_with(helm_tools, "casework", sets=(
        "auth.devSigningKeySecret.name=dev-keys", "mongo.database=redress_casework",
        "kafka.securityProtocol=SASL_SSL", "kafka.sasl.passwordSecret.name=casework-kafka",
        "kafka.tls.secretName=casework-kafka-tls", "kafka.tls.certKey=tls.crt", "kafka.tls.keyKey=tls.key",
        "mongo.tls.secretName=casework-mongo-tls", "mongo.tls.certKeyKey=tls-combined.pem",
        "auth.serviceClient.tokenUrl=https://auth.redress.example/token",
        "auth.serviceClient.secret.name=casework-oauth", "auth.oidcIssuer=https://auth.redress.example/realms/redress",
        "auth.oidcJwksUrl=https://auth.redress.example/realms/redress/certs",
        "cors.allowedOrigins[0]=https://app.redress.example"))
    with_file = render_with(helm_tools, "casework", sets=("auth.jwksUrl=", "auth.jwksConfigMap.name=redress-jwks"))
    names = {e["name"].removeprefix("CASEWORK_") for docs in (full, with_file) for component in ("api", "worker")
             for e in container(docs, "casework", component)["env"]}
    assert STRUCTURED - names == set()


def _rendered_env(docs, service: str, component: str) -> dict[str, str]:
    """The service's settings as the container gets them (a Secret reference reads as a placeholder)."""
    prefix = service.upper() + "_"
    return {e["name"]: e.get("value", "secret-from-reference") for e in container(docs, service, component)["env"]
            if e["name"].startswith(prefix)}


@pytest.mark.parametrize("scenario", chart_check.scenarios(), ids=lambda s: s.name)
def test_rendered_variables_are_settings_the_service_reads(rendered, scenario):
    service = scenario.service
    known = set(_fields(service))
    for component in ("api", "worker"):
        names = {name.removeprefix(service.upper() + "_") for name in _rendered_env(rendered[scenario.name], service,
                                                                                   component)}
        assert names - known == set(), "a variable no setting reads (a typo in the values?)"


@pytest.mark.parametrize("scenario", chart_check.scenarios(), ids=lambda s: s.name)
def test_the_service_accepts_the_rendered_settings(rendered, scenario, monkeypatch):
    service = scenario.service
    for name in [n for n in os.environ if n.startswith(service.upper() + "_")]:
        monkeypatch.delenv(name)
    for component in ("api", "worker"):
        for name, value in _rendered_env(rendered[scenario.name], service, component).items():
            monkeypatch.setenv(name, value)
        settings = _settings_class(service)()
        assert settings.service_name == service
