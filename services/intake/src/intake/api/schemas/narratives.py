"""An incident's narrative and accounts as a cleared reader sees them, and the erasure request."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ...domain.incident import NarrativeErasureReason


class AccountPublic(BaseModel):
    """One source's account, decrypted for a cleared reader."""

    source: int = Field(description="Position of the source in the incident's sources")
    given_by_victim: str | None = Field(description="The registered victim who gave it, if any")
    text: str | None = Field(description="The account; none when erased or unavailable")
    status: Literal["readable", "erased", "unavailable"] = Field(
        description="erased: its key was destroyed (the narrative's erasure, or the victim's)")


class NarrativePublic(BaseModel):
    """An incident's narrative and accounts, for a reader cleared for its confidentiality (the read is audited)."""

    incident_id: str
    narrative: str | None
    narrative_status: Literal["none", "readable", "erased", "unavailable"]
    source_accounts: list[AccountPublic]
    erased_at: datetime | None = Field(description="When the texts were last erased, if ever")


class NarrativeErasure(BaseModel):
    """Why the incident's texts are erased (a category: the reason itself could identify)."""

    model_config = ConfigDict(extra="forbid")

    reason: NarrativeErasureReason
