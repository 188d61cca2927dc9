"""Casework settings: env prefix CASEWORK_."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict
from servicekit.settings import BaseServiceSettings


class Settings(BaseServiceSettings):
    """Settings of the legal-support service."""

    model_config = SettingsConfigDict(env_prefix="CASEWORK_", extra="ignore", frozen=True)

    service_name: str = "casework"
    http_port: int = 8002
    notes_key_source: SecretStr | None = Field(
        default=None,
        description="KEK wrapping the per-case keys of privileged notes: 'file:/path' or 'base64:<32 bytes>'. "
                    "Required in production; development without it derives a key from the dev signing key.")
    key_cache_seconds: float = Field(default=120.0, gt=0, le=900,
                                     description="How long a victim's data key stays in memory after release")
