"""Advocacy settings: env prefix ADVOCACY_."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from servicekit.settings import BaseServiceSettings


class Settings(BaseServiceSettings):
    """Settings of the advocacy service."""

    model_config = SettingsConfigDict(env_prefix="ADVOCACY_", extra="ignore", frozen=True)

    service_name: str = "advocacy"
    http_port: int = 8003
    suppression_k: int = Field(default=5, ge=2, le=50, description="Counts below k leave only as '<k'")
