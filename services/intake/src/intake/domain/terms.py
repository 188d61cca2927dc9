"""Vocabulary checks for the domain: an unknown term is the kit's 422 naming the field and the allowed codes."""

from __future__ import annotations

from ..vocabularies import require_location, require_term, vocabulary


def check_term(vocabulary_name: str, code: str, *, field: str) -> str:
    """`code` if it belongs to the vocabulary, else a 422 for `field`."""
    require_term(vocabulary_name, code, field=field)
    return code


def check_terms(vocabulary_name: str, codes: list[str], *, field: str) -> list[str]:
    """Every code checked (the field names the position of the first bad one); sorted, deduplicated."""
    for index, code in enumerate(codes):
        check_term(vocabulary_name, code, field=f"{field}.{index}")
    return sorted(set(codes))


def check_location(region: str, cercle: str | None, commune: str | None) -> None:
    """Region, cercle and commune from the 2023 map, each inside its parent."""
    require_location(region, cercle, commune)


def with_descendants(vocabulary_name: str, code: str) -> list[str]:
    """A code and every code below it (a filter on 'killings' also finds 'massacre')."""
    return [code, *(term.code for term in vocabulary(vocabulary_name).descendants(code))]


def credibility_codes() -> list[str]:
    """The 1-6 credibility scale shipped with the source reliability vocabulary."""
    return [str(entry["code"]) for entry in vocabulary("source_reliability").extra["credibility_scale"]]
