"""Settings base shared by every service: one object, built once in bootstrap, failing fast."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class BaseServiceSettings(BaseSettings):
    """Common settings; each service subclasses it with `env_prefix="<SERVICE>_"`.

    Secrets are declared without defaults in the subclasses so a missing secret stops start-up.
    """

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    service_name: str = Field(description="Short service name, e.g. 'intake'")
    kafka_bootstrap: str = "127.0.0.1:19092"
    mongo_url: str = "mongodb://127.0.0.1:27117/"
    mongo_db: str = Field(default="", description="Database name; defaults to the service name")
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    topic_namespace: str = Field(default="", pattern=r"^([a-z0-9-]+\.)?$",
                                 description="Prefix of every topic and group, e.g. 'staging.'; empty in production")
    topic_partitions: int = Field(default=3, ge=1, le=64)

    relay_poll_interval_seconds: float = Field(default=0.05, gt=0, le=5)
    relay_batch_size: int = Field(default=500, ge=1, le=5000)
    relay_abort_grace_seconds: float = Field(default=60.0, gt=0)
    relay_lease_seconds: float = Field(default=10.0, gt=1)
    consumer_max_attempts: int = Field(default=5, ge=1, le=100)
    consumer_backoff_max_seconds: float = Field(default=5.0, gt=0)

    auth_issuer: str = "https://auth.redress.local/dev"
    auth_audience: str = "redress"
    auth_jwks_file: Path | None = None
    auth_jwks_url: str | None = None

    dev_signing_key_file: Path | None = Field(
        default=None, description="Development only: key to sign this service's own service token")
    intake_url: str = Field(default="http://127.0.0.1:8001", description="Intake, the custodian of data keys")

    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    log_level: str = "INFO"

    @property
    def database_name(self) -> str:
        """The MongoDB database this service owns."""
        return self.mongo_db or self.service_name
