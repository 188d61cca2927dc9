"""The vocabularies clients pick codes from: procedure (tracks, stages, transitions), courts, small lists."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from servicekit.auth import require
from servicekit.errors import NotFound
from servicekit.organisations import organisations_public

from ..domain.collective import consent_rules
from ..domain.procedure import tracks
from ..vocabularies import courts, table, term_lists

router = APIRouter(prefix="/vocabularies", tags=["vocabularies"], dependencies=[Depends(require())])


@router.get("/procedure", responses={401: {}})
async def procedure() -> dict[str, Any]:
    """Tracks, their stages with labels and allowed next stages, and closure reasons."""
    return {"version": table("procedure").version, "tracks": [
        {"code": t.code, "label_fr": t.label_fr, "label_en": t.label_en, "initial": t.initial,
         "stages": [{"code": s.code, "label_fr": s.label_fr, "label_en": s.label_en, "next": list(s.next)}
                    for s in t.stages.values()],
         "closure_reasons": [{"code": r.code, "label_fr": r.label_fr, "label_en": r.label_en,
                              "from": sorted(r.from_stages)} for r in t.closure_reasons.values()]}
        for t in tracks().values()]}


@router.get("/consent_rules", responses={401: {}})
async def collective_consent_rules() -> dict[str, Any]:
    """Which stage moves need every victim's consent, which go on for the victims who remain, and why."""
    consent_rules()  # validated against the procedure before it is shown
    rules = table("consent_rules")
    return {"version": rules.version, "notes": rules.notes, "levels": rules.extra["levels"],
            "moves": rules.extra["moves"]}


@router.get("/organisations", responses={401: {}})
async def organisation_list() -> dict[str, Any]:
    """The coalition's organisations and their kind (a referral goes only to a legal-aid one)."""
    return organisations_public()


@router.get("/courts", responses={401: {}})
async def court_list() -> dict[str, Any]:
    """Courts and international bodies, with city and track."""
    return {"version": courts().version, "terms": courts().to_public()["terms"]}


@router.get("/terms/{name}", responses={401: {}, 404: {}})
async def terms(name: str) -> dict[str, Any]:
    """One of the small lists (decline reasons, hearing purposes, outcomes, ...)."""
    if name not in term_lists():
        raise NotFound("term_list_not_found", allowed=list(term_lists()))
    return {"version": term_lists()[name].version, "name": name, "terms": term_lists()[name].to_public()["terms"]}
