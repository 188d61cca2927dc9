"""Intake settings: env prefix INTAKE_."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict
from servicekit.settings import BaseServiceSettings


class Settings(BaseServiceSettings):
    """Settings of the documentation service."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", frozen=True)

    service_name: str = "intake"
    http_port: int = 8001
