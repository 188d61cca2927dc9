"""Controlled vocabularies of the advocacy service (files in `advocacy/vocabularies/`, loader in the kit)."""

from __future__ import annotations

from servicekit.vocabulary import Term, UnknownTerm, Vocabulary, load_vocabulary, require_code

__all__ = ["Term", "UnknownTerm", "Vocabulary", "allowed_transitions", "require_term", "vocabulary"]


def vocabulary(name: str) -> Vocabulary:
    """One of advocacy's shipped vocabularies."""
    return load_vocabulary("advocacy", name)


def require_term(name: str, code: str, *, field: str) -> Term:
    """The term, or UnknownTerm naming the input field and the allowed codes."""
    return require_code(vocabulary(name), code, field=field)


def allowed_transitions(status: str) -> tuple[str, ...]:
    """Recommendation statuses reachable from `status` (empty for an unknown status)."""
    # The file allows going back: a State may accept a recommendation it first rejected ("noted" at
    # the UPR), and an implemented measure may be rolled back (an amnesty, a repealed law).
    term = vocabulary("recommendation_statuses").get(status)
    return tuple(term.attributes.get("next", ())) if term else ()
