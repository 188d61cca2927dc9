"""Advocacy's controlled vocabularies, for any signed-in user."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from servicekit.errors import NotFound

from ..domain.vocabulary import vocabulary
from .deps import AnyUser

router = APIRouter(prefix="/vocabularies", tags=["operations"])
VOCABULARIES = ("target_bodies", "action_types", "recommendation_statuses", "report_labels")


@router.get("/{name}", responses={401: {}, 404: {}})
async def read_vocabulary(name: str, principal: AnyUser) -> dict[str, Any]:
    """A controlled vocabulary with French and English labels."""
    if name not in VOCABULARIES:
        raise NotFound("vocabulary_not_found", allowed=list(VOCABULARIES))
    return vocabulary(name).to_public()
