"""Controlled vocabularies of the advocacy service (files in `advocacy/vocabularies/`, loader in the kit)."""

from __future__ import annotations

from servicekit.vocabulary import Vocabulary, load_vocabulary


def vocabulary(name: str) -> Vocabulary:
    """One of advocacy's shipped vocabularies."""
    return load_vocabulary("advocacy", name)


def allowed_transitions(status: str) -> tuple[str, ...]:
    """Recommendation statuses reachable from `status` (empty for an unknown status)."""
    # The file allows going back: a State may accept a recommendation it first rejected ("noted" at
    # the UPR), and an implemented measure may be rolled back (an amnesty, a repealed law).
    term = vocabulary("recommendation_statuses").get(status)
    return tuple(term.attributes.get("next", ())) if term else ()
