"""Settings base shared by every service: one object, built once in bootstrap, failing fast."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .cors import check_origin
from .issuers import secure_url


class BaseServiceSettings(BaseSettings):
    """Common settings; each service subclasses it with `env_prefix="<SERVICE>_"`.

    Secrets are declared without defaults in the subclasses so a missing secret stops start-up.
    """

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    service_name: str = Field(description="Short service name, e.g. 'intake'")
    kafka_bootstrap: str = Field(default="127.0.0.1:19092", description="Kafka bootstrap servers")
    kafka_security_protocol: Literal["PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT", description="PLAINTEXT on loopback; SASL_SSL (or SASL_PLAINTEXT) with per-service ACLs")
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256"] = Field(
        default="SCRAM-SHA-512", description="SASL mechanism of this service's principal")
    kafka_sasl_username: str | None = Field(default=None, description="This service's Kafka principal")
    kafka_sasl_password_file: Path | None = Field(default=None, description="File holding the principal's password")
    kafka_ssl_ca_file: Path | None = Field(
        default=None, description="CA that signed the broker's certificate (PEM; SASL_SSL); default: the system's CAs")
    kafka_ssl_cert_file: Path | None = Field(
        default=None, description="This service's client certificate for mutual TLS with the broker (PEM)")
    kafka_ssl_key_file: Path | None = Field(default=None, description="The client certificate's private key (PEM)")
    mongo_url: str = Field(default="mongodb://127.0.0.1:27117/", description="MongoDB (or FerretDB) URL")
    mongo_tls_ca_file: Path | None = Field(
        default=None, description="CA that signed the store's certificate (PEM); setting it turns TLS on")
    mongo_tls_cert_key_file: Path | None = Field(
        default=None, description="This service's client certificate and key in one PEM (mutual TLS; turns TLS on)")
    mongo_db: str = Field(default="", description="Database name; defaults to the service name")
    http_host: str = Field(default="127.0.0.1", description="Address the API listens on")
    http_port: int = Field(default=8000, description="Port the API listens on")
    topic_namespace: str = Field(
        default="",
        pattern=r"^([a-z0-9-]+\.)?$",
        description="Prefix of every topic and group, e.g. 'staging.'; empty in production",
    )
    topic_partitions: int = Field(default=3, ge=1, le=64, description="Partitions of topics this service creates")

    relay_poll_interval_seconds: float = Field(
        default=0.05, gt=0, le=5, description="Relay's first wait when it finds nothing; doubles while idle")
    relay_idle_poll_seconds: float = Field(
        default=0.5, gt=0, le=30, description="Relay's longest idle wait (commits of other processes, e.g. the "
                                              "API's, are seen within it; the worker's own wake it at once)")
    projection_cache_size: int = Field(
        default=2000, ge=0, le=1_000_000, description="Aggregates whose last state a process keeps in memory "
                                                      "(0: none); a stale entry costs a retry, never a wrong commit")
    relay_batch_size: int = Field(default=500, ge=1, le=5000, description="Pending commits per relay pass")
    relay_abort_grace_seconds: float = Field(
        default=60.0, gt=0,
        description="Age after which an entry of the former outbox collection without its commit is dropped")
    relay_lease_seconds: float = Field(default=10.0, gt=1, description="Length of a relay leadership slot")
    consumer_max_attempts: int = Field(
        default=5, ge=1, le=100, description="Attempts before a failing record goes to the dead-letter topic"
    )
    consumer_backoff_max_seconds: float = Field(default=5.0, gt=0, description="Longest retry backoff")

    auth_issuer: str = Field(default="https://auth.redress.local/dev", description="Trusted token issuer")
    auth_audience: str = Field(default="redress", description="Audience tokens must name")
    auth_jwks_file: Path | None = Field(default=None, description="Issuer keys (JWKS) from a file; or")
    auth_jwks_url: str | None = Field(default=None, description="Issuer keys (JWKS) from an https URL")
    oidc_issuer: str | None = Field(
        default=None, description="OpenID provider whose tokens are accepted too (issuer URL, https or loopback http)")
    oidc_jwks_url: str | None = Field(
        default=None, description="The provider's JWKS URL; by default found through its discovery document")
    cors_allowed_origins: list[str] = Field(
        default=[], description="Web origins allowed to call the API from a browser (JSON list, no wildcard)")

    dev_signing_key_file: Path | None = Field(
        default=None, description="Development only: key to sign this service's own service token"
    )
    oauth_token_url: str | None = Field(
        default=None, description="Identity provider's token endpoint, for this service's own token")
    oauth_client_id: str | None = Field(default=None, description="This service's client id at the provider")
    oauth_client_secret: SecretStr | None = Field(default=None, description="This service's client secret")
    intake_url: str = Field(default="http://127.0.0.1:8001", description="Intake, the custodian of data keys")

    webhook_key_source: SecretStr | None = Field(
        default=None, description="KEK encrypting webhook signing secrets: 'file:/path' or 'base64:<32 bytes>'; "
                                  "without it webhooks are off (development derives one from the dev signing key)")
    webhook_allow_private_addresses: bool = Field(
        default=False, description="Let webhooks reach private, loopback and link-local addresses (development only)")
    webhook_timeout_seconds: float = Field(default=5.0, gt=0, le=30, description="Timeout of one webhook attempt")
    webhook_retry_base_seconds: float = Field(default=5.0, gt=0, description="First webhook retry delay")
    webhook_retry_max_delay_seconds: float = Field(default=3600.0, gt=0, description="Longest webhook retry delay")
    webhook_retry_window_seconds: float = Field(
        default=86400.0, gt=0, description="How long a failing delivery is retried before its subscription is "
                                           "disabled (24 h or more in production)")
    webhook_response_max_bytes: int = Field(default=4096, ge=0, le=65536,
                                            description="Most bytes read of a receiver's answer")
    webhook_poll_interval_seconds: float = Field(default=0.5, gt=0, le=10, description="Webhook queue poll interval")

    max_body_bytes: int = Field(default=1_000_000, ge=1024, description="Largest JSON body accepted (413 beyond)")

    # Overload and outages (servicekit/overload.py, availability.py): shed with 503 + Retry-After.
    http_max_concurrent_requests: int = Field(default=8, ge=1, le=1000, description="Requests at work at once")
    http_max_waiting_requests: int = Field(default=32, ge=0, le=10_000,
                                           description="Requests waiting for a slot; beyond them 503")
    http_queue_wait_seconds: float = Field(default=2.0, gt=0, le=60, description="Longest wait for a slot")
    http_request_deadline_seconds: float = Field(default=30.0, gt=0, le=600,
                                                 description="A request running longer is cut with a 503")
    http_overload_retry_after_seconds: int = Field(default=2, ge=1, le=600, description="Retry-After when shed")
    unavailable_retry_after_seconds: int = Field(default=5, ge=1, le=600,
                                                 description="Retry-After while the store or broker is away")
    store_wedged_after_seconds: float = Field(
        default=30.0, gt=0, description="Exit (for a restart) when the store client fails this long while "
                                        "a fresh client reaches the store")
    metrics_port: int = Field(default=9464, ge=0, le=65535,
                              description="Port of the worker's /metrics, on HTTP_HOST (0 = not served)")
    log_level: str = Field(default="INFO", description="Log level (logs never carry PII or tokens)")

    @field_validator("oidc_issuer", "oidc_jwks_url")
    @classmethod
    def _secure(cls, url: str | None) -> str | None:
        # Keys read over plain HTTP from afar could be swapped in transit: https, or http on loopback.
        if url is not None and not secure_url(url):
            raise ValueError("must be an https URL (http only on a loopback host)")
        return url

    @model_validator(mode="after")
    def _tls_files(self) -> BaseServiceSettings:
        # A TLS file with a protocol that ignores it would leave the operator believing traffic is encrypted.
        tls_files = (self.kafka_ssl_ca_file, self.kafka_ssl_cert_file, self.kafka_ssl_key_file)
        if any(tls_files) and self.kafka_security_protocol != "SASL_SSL":
            raise ValueError("kafka_ssl_* files need kafka_security_protocol SASL_SSL")
        if (self.kafka_ssl_cert_file is None) != (self.kafka_ssl_key_file is None):
            raise ValueError("kafka_ssl_cert_file and kafka_ssl_key_file go together")
        return self

    @field_validator("cors_allowed_origins")
    @classmethod
    def _origins(cls, origins: list[str]) -> list[str]:
        return [check_origin(origin) for origin in origins]

    def kafka_options(self) -> dict[str, Any]:
        """Security options for every Kafka client of this service (none on a plaintext broker)."""
        if self.kafka_security_protocol == "PLAINTEXT":
            return {}
        if not self.kafka_sasl_username or self.kafka_sasl_password_file is None:
            raise ValueError("kafka_sasl_username and kafka_sasl_password_file are required with SASL")
        options: dict[str, Any] = {
            "security_protocol": self.kafka_security_protocol, "sasl_mechanism": self.kafka_sasl_mechanism,
            "sasl_plain_username": self.kafka_sasl_username,
            "sasl_plain_password": self.kafka_sasl_password_file.read_text(encoding="utf-8").strip(),
        }
        if self.kafka_security_protocol == "SASL_SSL":
            from aiokafka.helpers import create_ssl_context

            options["ssl_context"] = create_ssl_context(
                cafile=_path(self.kafka_ssl_ca_file), certfile=_path(self.kafka_ssl_cert_file),
                keyfile=_path(self.kafka_ssl_key_file))
        return options

    def mongo_options(self) -> dict[str, Any]:
        """TLS options of the store client (none unless a CA or a client certificate is given)."""
        if self.mongo_tls_ca_file is None and self.mongo_tls_cert_key_file is None:
            return {}
        options: dict[str, Any] = {"tls": True}
        if self.mongo_tls_ca_file is not None:
            options["tlsCAFile"] = str(self.mongo_tls_ca_file)
        if self.mongo_tls_cert_key_file is not None:
            options["tlsCertificateKeyFile"] = str(self.mongo_tls_cert_key_file)
        return options

    @property
    def database_name(self) -> str:
        """The MongoDB database this service owns."""
        return self.mongo_db or self.service_name


def _path(path: Path | None) -> str | None:
    return None if path is None else str(path)
