"""Intake's controlled vocabularies (DESIGN.md section 5), read through the kit's loader.

The data files sit beside this module (regions nest cercles and communes; violation types nest their
categories). What only intake needs is here: the places of the 2023 map, each inside its parent, and
the verification workflow's transitions. An unknown code raises the kit's `UnknownTerm`, which is the
422 naming the field, the vocabulary and the allowed codes.
"""

from __future__ import annotations

from servicekit.vocabulary import Term, UnknownTerm, Vocabulary, load_vocabulary, require_code

__all__ = [
    "VOCABULARY_NAMES", "Term", "UnknownTerm", "Vocabulary", "can_transition", "is_valid_location", "region_of",
    "require_location", "require_term", "verification_transitions", "vocabularies", "vocabulary",
]

VOCABULARY_NAMES: tuple[str, ...] = (
    "regions",
    "violation_types",
    "perpetrator_categories",
    "involvement_degrees",
    "verification_statuses",
    "source_reliability",
    "confidentiality_levels",
    "date_precisions",
)


def vocabulary(name: str) -> Vocabulary:
    """The vocabulary `name` (one of VOCABULARY_NAMES), loaded once."""
    if name not in VOCABULARY_NAMES:
        raise LookupError(f"unknown vocabulary {name!r}; known: {', '.join(VOCABULARY_NAMES)}")
    return load_vocabulary("intake", name)


def vocabularies() -> dict[str, Vocabulary]:
    """Every vocabulary, by name."""
    return {name: vocabulary(name) for name in VOCABULARY_NAMES}


def require_term(name: str, code: object, *, field: str) -> Term:
    """The term `code` of vocabulary `name`, or the 422 naming `field`."""
    return require_code(vocabulary(name), code, field=field)


def region_of(code: str) -> str:
    """The region (or `bamako-district`) holding a region, cercle or commune code (422 on `location` if unknown)."""
    regions = vocabulary("regions")
    require_code(regions, code, field="location")
    ancestors = regions.ancestors(code)
    return ancestors[-1].code if ancestors else code


def require_location(region: str, cercle: str | None = None,
                     commune: str | None = None) -> tuple[Term, Term | None, Term | None]:
    """A region, cercle and commune of the 2023 map, each inside its parent (a commune needs its cercle).

    The first bad field is named, with the codes allowed there (the region's cercles, the cercle's communes).
    """
    regions = vocabulary("regions")
    region_term = require_code(regions, region, field="region", among=regions.roots())
    if cercle is None and commune is None:
        return region_term, None, None
    cercle_term = require_code(regions, cercle, field="cercle", among=regions.children(region))
    if commune is None:
        return region_term, cercle_term, None
    return region_term, cercle_term, require_code(regions, commune, field="commune",
                                                      among=regions.children(cercle_term.code))


def is_valid_location(region: str, cercle: str | None, commune: str | None) -> bool:
    """Whether the triple is consistent (see `require_location`)."""
    try:
        require_location(region, cercle, commune)
    except UnknownTerm:
        return False
    return True


def verification_transitions() -> dict[str, frozenset[str]]:
    """Allowed status changes: `{status: {statuses it may move to}}` (a fresh dict)."""
    return {t.code: frozenset(t.attributes.get("transitions", ())) for t in vocabulary("verification_statuses").terms}


def can_transition(current: str, new: str) -> bool:
    """Whether a verification status may change from `current` to `new`."""
    return new in verification_transitions().get(current, frozenset())
