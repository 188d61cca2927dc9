"""Vocabulary checks that fail as 422s naming the field and the allowed codes."""

from __future__ import annotations

from servicekit.errors import InvalidInput

from .vocabulary import UnknownTerm, require_term


def check_term(vocabulary: str, code: str, *, field: str) -> None:
    """A code of the vocabulary, or a 422 naming the field and the allowed codes."""
    try:
        require_term(vocabulary, code, field=field)
    except UnknownTerm as exc:
        # The one place this loader's unknown term becomes a 422.
        raise InvalidInput("unknown_term", field=field, vocabulary=vocabulary, allowed=list(exc.allowed)) from exc


def check_terms(vocabulary: str, codes: list[str], *, field: str) -> None:
    """At least one code, each of the vocabulary."""
    if not codes:
        raise InvalidInput("code_required", field=field, vocabulary=vocabulary)
    for n, code in enumerate(codes):
        check_term(vocabulary, code, field=f"{field}.{n}")
