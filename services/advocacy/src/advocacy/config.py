"""Advocacy settings: env prefix ADVOCACY_."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict
from servicekit.settings import BaseServiceSettings


class Settings(BaseServiceSettings):
    """Settings of the advocacy service."""

    model_config = SettingsConfigDict(env_prefix="ADVOCACY_", extra="ignore", frozen=True)

    service_name: str = "advocacy"
    http_port: int = 8003
    suppression_k: int = Field(default=5, ge=3, le=50, description="Counts below k leave only as '<k'")
    pseudonym_key: SecretStr | None = Field(
        default=None,
        description="HMAC key turning victim ids into one-way keys; when unset, a random key is created once "
                    "and kept in advocacy's own store (set it from a secret store in production)")
    rebuild_lock_seconds: float = Field(default=900.0, gt=0,
                                        description="A rebuild lock older than this is considered abandoned")
    read_model_follow_seconds: float = Field(
        default=5.0, gt=0,
        description="How often the API reads which generation of the indicators is live, to read a rebuilt one "
                    "in the background (one lookup by _id); it reads the live one when it starts")
