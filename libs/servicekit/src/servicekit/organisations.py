"""The coalition's organisations, shipped as a versioned vocabulary with their kind (legal aid, documentation...).

Every service and the identity provider name organisations by these codes. A victim's consent to share
names organisations from here, and a referral goes only to a `legal_aid` organisation the victim
consented to share with; intake and casework both check it against this one list.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from .errors import InvalidInput
from .vocabulary import Term, Vocabulary, load_vocabulary

ORGANISATIONS = "organisations"
LEGAL_AID = "legal_aid"


def organisations() -> Vocabulary:
    """The organisations vocabulary (read once per process)."""
    return load_vocabulary("servicekit", ORGANISATIONS)


def kind_of(code: str | None) -> str | None:
    """The kind of a known organisation, None for an unknown code."""
    term = organisations().get(code) if code else None
    return str(term.attributes["kind"]) if term is not None else None


def is_legal_aid(code: str | None) -> bool:
    """True for a known legal-aid organisation."""
    return kind_of(code) == LEGAL_AID


def legal_aid_codes() -> list[str]:
    """Codes of every legal-aid organisation, in the vocabulary's order."""
    return [t.code for t in organisations().terms if t.attributes.get("kind") == LEGAL_AID]


def require_organisation(code: str, *, field: str, kind: str | None = None) -> Term:
    """The organisation's term, or a 422 naming the field (unknown code, or not of the kind required)."""
    vocab = organisations()
    term = vocab.get(code)
    if term is None:
        raise InvalidInput("unknown_term", field=field, vocabulary=ORGANISATIONS, allowed=list(vocab.codes()))
    if kind is not None and term.attributes.get("kind") != kind:
        allowed = [t.code for t in vocab.terms if t.attributes.get("kind") == kind]
        raise InvalidInput("organisation_not_legal_aid" if kind == LEGAL_AID else "organisation_wrong_kind",
                           field=field, vocabulary=ORGANISATIONS, kind=kind, allowed=allowed)
    return term


@cache
def organisations_public() -> dict[str, Any]:
    """The vocabulary as served by the APIs: the terms with their kind, and the kinds' labels."""
    raw = json.loads(files("servicekit").joinpath("vocabularies", "organisations.json").read_text(encoding="utf-8"))
    return {**organisations().to_public(), "kinds": raw["kinds"]}
