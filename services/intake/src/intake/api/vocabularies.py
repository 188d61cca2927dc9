"""The vocabularies intake's forms and filters use, with French and English labels."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path
from servicekit.errors import NotFound
from servicekit.organisations import ORGANISATIONS, organisations, organisations_public

from ..vocabularies import VOCABULARY_NAMES, vocabulary
from .deps import Authenticated

router = APIRouter(prefix="/vocabularies", tags=["vocabularies"])


@router.get("", responses={401: {}})
async def list_vocabularies(principal: Authenticated) -> list[dict[str, str]]:
    """The vocabularies and their versions (the coalition's organisations included)."""
    return [*({"name": name, "version": vocabulary(name).version} for name in VOCABULARY_NAMES),
            {"name": ORGANISATIONS, "version": organisations().version}]


@router.get("/{name}", responses={401: {}, 404: {}})
async def read_vocabulary(principal: Authenticated,
                          name: str = Path(pattern=r"^[a-z_]{1,40}$", description="Vocabulary name")) -> dict[str, Any]:
    """A vocabulary with French and English labels (regions nest cercles and communes; organisations have a kind)."""
    if name == ORGANISATIONS:
        return organisations_public()
    if name not in VOCABULARY_NAMES:
        raise NotFound("vocabulary_not_found", field="name", allowed=[*VOCABULARY_NAMES, ORGANISATIONS])
    return vocabulary(name).to_public()
