"""Vocabulary checks for the domain: an unknown term becomes a 422 naming the field and the allowed codes."""

from __future__ import annotations

from servicekit.errors import InvalidInput

from ..vocabularies import UnknownTerm, require_location, require_term, vocabulary

# Bamako's and the big regions' commune lists are long; the problem stays readable with a cap.
MAX_ALLOWED_SHOWN = 400


def unknown_term_problem(exc: UnknownTerm, field: str | None = None) -> InvalidInput:
    """The 422 for an unknown vocabulary term: field, vocabulary and allowed codes, never the input."""
    name = field or exc.field
    allowed = exc.allowed[:MAX_ALLOWED_SHOWN]
    # The one place intake's unknown term becomes a 422.
    return InvalidInput("unknown_term", field=name, vocabulary=exc.vocabulary, allowed=allowed)


def check_term(vocabulary_name: str, code: str, *, field: str) -> str:
    """`code` if it belongs to the vocabulary, else a 422 for `field`."""
    try:
        require_term(vocabulary_name, code, field=field)
    except UnknownTerm as exc:
        raise unknown_term_problem(exc, field) from None
    return code


def check_terms(vocabulary_name: str, codes: list[str], *, field: str) -> list[str]:
    """Every code checked (the field names the position of the first bad one); sorted, deduplicated."""
    for index, code in enumerate(codes):
        check_term(vocabulary_name, code, field=f"{field}.{index}")
    return sorted(set(codes))


def check_location(region: str, cercle: str | None, commune: str | None) -> None:
    """Region, cercle and commune from the 2023 map, each inside its parent."""
    try:
        require_location(region, cercle, commune)
    except UnknownTerm as exc:
        raise unknown_term_problem(exc) from None


def with_descendants(vocabulary_name: str, code: str) -> list[str]:
    """A code and every code below it (a filter on 'killings' also finds 'massacre')."""
    vocab = vocabulary(vocabulary_name)
    return [code, *(term.code for term in vocab.descendants(code))]


def credibility_codes() -> list[str]:
    """The 1-6 credibility scale shipped with the source reliability vocabulary."""
    return [str(entry["code"]) for entry in vocabulary("source_reliability").extra["credibility_scale"]]
