"""Education settings: env prefix EDUCATION_."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict
from servicekit.settings import BaseServiceSettings


class Settings(BaseServiceSettings):
    """Settings of the human-rights education service."""

    model_config = SettingsConfigDict(env_prefix="EDUCATION_", extra="ignore", frozen=True)

    service_name: str = "education"
    http_port: int = 8004
    suppression_k: int = Field(default=5, ge=3, le=50,
                               description="Documented-incident counts below k are shown only as '<k'")
