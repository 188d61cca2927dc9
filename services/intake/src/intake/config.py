"""Intake settings: env prefix INTAKE_ (the KEK source has no default: a missing secret stops start-up)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict
from servicekit.settings import BaseServiceSettings

KeyPurpose = Literal["notifications", "legal_support"]


def default_key_purposes() -> dict[str, list[KeyPurpose]]:
    """notify contacts victims; casework gives lawyers the name."""
    return {"svc-notify": ["notifications"], "svc-casework": ["legal_support"]}


class Settings(BaseServiceSettings):
    """Settings of the documentation service."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore", frozen=True)

    service_name: str = "intake"
    http_port: int = 8001

    kek_source: SecretStr = Field(
        description="Key-encryption key wrapping victims' data keys: 'file:/path' or 'base64:<32 bytes>'")
    kek_previous_sources: list[SecretStr] = Field(
        default_factory=list,
        description="Retired KEKs still able to unwrap data keys until rotation re-wraps them (JSON list)")
    key_release_purposes: dict[str, list[KeyPurpose]] = Field(
        default_factory=default_key_purposes,
        description="Which service subject may ask for a victim's data key for which purposes")
    key_release_ttl_seconds: int = Field(default=300, ge=10, le=3600,
                                         description="How long a caller may keep a released key in memory")

    default_country_code: str = Field(default="223", pattern=r"^[1-9][0-9]{0,2}$",
                                      description="Country code of phone numbers registered without one (E.164)")
    evidence_max_bytes: int = Field(default=50_000_000, ge=1024,
                                    description="Largest evidence upload (multipart body); beyond it 413")
    evidence_chunk_bytes: int = Field(default=255 * 1024, ge=1024, le=8_000_000,
                                      description="Size of the stored chunks of an evidence file")
    import_max_bytes: int = Field(default=5_000_000, ge=1024, description="Largest import file (CSV or .xlsx)")
    import_max_rows: int = Field(default=5000, ge=1, le=100_000, description="Most rows in one import file")
    list_max_page_size: int = Field(default=200, ge=1, le=1000)
