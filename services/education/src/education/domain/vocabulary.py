"""Controlled vocabularies of the education service (files in `education/vocabularies/`, loader in the kit)."""

from __future__ import annotations

from servicekit.vocabulary import Term, UnknownTerm, Vocabulary, load_vocabulary, require_code

__all__ = ["Term", "UnknownTerm", "Vocabulary", "require_term", "vocabulary", "youth_bands"]


def vocabulary(name: str) -> Vocabulary:
    """One of education's shipped vocabularies."""
    return load_vocabulary("education", name)


def require_term(name: str, code: str, *, field: str) -> Term:
    """The term, or UnknownTerm naming the input field and the allowed codes."""
    return require_code(vocabulary(name), code, field=field)


def youth_bands() -> frozenset[str]:
    """Age-band codes that count as youth (under 25), the programme's first audience."""
    return frozenset(t.code for t in vocabulary("age_bands").terms if t.attributes.get("youth"))
