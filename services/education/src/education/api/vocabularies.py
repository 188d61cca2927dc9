"""The vocabularies education's forms offer, with French and English labels."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from servicekit.errors import NotFound

from ..domain.vocabularies import vocabulary
from .deps import AnyUser

router = APIRouter(tags=["vocabularies"])
VOCABULARIES = ("topics", "venues", "age_bands", "regions")


@router.get("/vocabularies/{name}", responses={401: {}, 404: {}})
async def read_vocabulary(name: str, principal: AnyUser) -> dict[str, Any]:
    """A controlled vocabulary with French and English labels."""
    if name not in VOCABULARIES:
        raise NotFound("vocabulary_not_found", allowed=list(VOCABULARIES))
    return vocabulary(name).to_public()
