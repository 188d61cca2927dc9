"""Casework's controlled vocabularies (versioned JSON beside this module), read through the kit's loader.

Courts are a vocabulary whose terms carry city, country, kind and track; `terms.json` groups the small
lists (decline reasons, hearing purposes, ...) under one version; `procedure.json` and
`consent_rules.json` are tables their domain modules validate. A code a client sends that is not in a
list raises the kit's `UnknownTerm`, the one 422 of every service (naming the field, the vocabulary and
the allowed codes, never the value).
"""

from __future__ import annotations

from collections.abc import Mapping

from servicekit.vocabulary import Term, Vocabulary, VocabularyDataError, load_vocabulary, require_code

__all__ = ["Term", "Vocabulary", "VocabularyDataError", "courts", "require_court", "require_term", "table",
           "term_list", "term_lists"]


def table(name: str) -> Vocabulary:
    """A data file of this package by name (`courts`, `terms`, `procedure`, `consent_rules`), loaded once."""
    return load_vocabulary("casework", name)


def courts() -> Vocabulary:
    """Every court and body; each term's attributes hold its city, country, kind and track."""
    return table("courts")


def term_lists() -> Mapping[str, Vocabulary]:
    """The small lists of terms.json, by name."""
    return table("terms").lists


def term_list(name: str) -> Vocabulary:
    """One of the small lists of terms.json."""
    if name not in term_lists():
        raise LookupError(f"no term list {name!r}")
    return term_lists()[name]


def require_term(list_name: str, code: str, *, field: str) -> Term:
    """The term of `code` in a list, or the kit's 422 naming the field and the allowed codes."""
    return require_code(term_list(list_name), code, field=field)


def require_court(code: str, *, field: str = "court") -> Term:
    """The court of `code`, or the kit's 422 naming the field and the allowed codes."""
    return require_code(courts(), code, field=field)
