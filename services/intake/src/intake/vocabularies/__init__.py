"""Controlled vocabularies of the intake service (DESIGN.md section 5).

The vocabularies are versioned JSON data files shipped inside this package, one per
vocabulary, each shaped ``{"vocabulary", "version", "notes", "terms": [...]}``. A term
has ``code``, ``label_fr`` and ``label_en``; hierarchical vocabularies nest terms under
``children``. Any other key of a term is kept, read-only, in :attr:`Term.extra`; any
other top-level key of a file (e.g. ``credibility_scale``) in :attr:`Vocabulary.extra`.

This module is pure: it reads its own package data (once, through
:mod:`importlib.resources`), validates it, caches it and does no other I/O.

Errors a client can cause raise :class:`UnknownTerm` (a :class:`ValueError`) carrying
the offending field, the value and the allowed values, which the API layer turns into
a 422. Asking for a vocabulary that does not exist is a programming error and raises
:class:`LookupError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

__all__ = [
    "VOCABULARY_NAMES",
    "Term",
    "UnknownTerm",
    "Vocabulary",
    "VocabularyDataError",
    "can_transition",
    "is_valid_location",
    "region_of",
    "require_location",
    "require_term",
    "verification_transitions",
    "vocabularies",
    "vocabulary",
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

#: Keys of a term in the data files that are not copied into ``Term.extra``.
_TERM_KEYS = frozenset({"code", "label_fr", "label_en", "children"})
#: Top-level keys of a data file that are not copied into ``Vocabulary.extra``.
_FILE_KEYS = frozenset({"vocabulary", "version", "notes", "terms"})

# Region codes are paths of ASCII slugs: "segou", "segou/niono", "segou/niono/niono".
_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_PATH_CODE = re.compile(rf"^{_SLUG}(?:/{_SLUG})*$")
_FLAT_CODE = re.compile(r"^[A-Za-z0-9]+(?:_[A-Za-z0-9]+)*$")
_VERSION = re.compile(r"^\d{4}\.\d+$")


class VocabularyDataError(RuntimeError):
    """A shipped data file is malformed (a packaging bug, never a client error)."""


class UnknownTerm(ValueError):
    """A value is not a code of the vocabulary expected for ``field``.

    ``allowed`` is the sorted list of acceptable codes. For large hierarchical
    vocabularies (communes) it is narrowed to the codes under the nearest known
    parent of the rejected value, so the message stays useful.
    """

    def __init__(self, field: str, value: object, allowed: Iterable[str], *, vocabulary: str) -> None:
        self.field = field
        self.value = value
        self.allowed: list[str] = sorted(allowed)
        self.vocabulary = vocabulary
        shown = ", ".join(self.allowed[:50])
        if len(self.allowed) > 50:
            shown += f", ... ({len(self.allowed)} in all)"
        super().__init__(f"{field}: {value!r} is not a known {vocabulary} code; allowed: {shown}")

    def to_dict(self) -> dict[str, Any]:
        """The error as plain data, for an API error body."""
        return {
            "field": self.field,
            "value": self.value,
            "vocabulary": self.vocabulary,
            "allowed": list(self.allowed),
        }


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary. ``extra`` holds every other key of the entry, read-only."""

    code: str
    label_fr: str
    label_en: str
    parent: str | None = None
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), compare=False)

    def label(self, lang: str = "fr") -> str:
        """The label in ``lang`` ("fr" or "en"); French for any other language."""
        return self.label_en if lang == "en" else self.label_fr


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


class Vocabulary:
    """A loaded, validated vocabulary. Instances are shared: treat them as immutable."""

    def __init__(self, data: Mapping[str, Any], *, expected_name: str) -> None:
        name = data.get("vocabulary")
        if name != expected_name:
            raise VocabularyDataError(f"{expected_name}.json declares vocabulary {name!r}")
        version = data.get("version")
        if not isinstance(version, str) or not _VERSION.match(version):
            raise VocabularyDataError(f"{name}: bad version {version!r}")
        notes = data.get("notes")
        if not isinstance(notes, str) or not notes.strip():
            raise VocabularyDataError(f"{name}: notes are required")
        raw_terms = data.get("terms")
        if not isinstance(raw_terms, list) or not raw_terms:
            raise VocabularyDataError(f"{name}: terms must be a non-empty list")

        self.name: str = name
        self.version: str = version
        self.notes: str = notes
        self.extra: Mapping[str, Any] = _freeze({k: v for k, v in data.items() if k not in _FILE_KEYS})
        self._terms: dict[str, Term] = {}
        self._children: dict[str | None, list[str]] = {None: []}
        self._flatten(raw_terms, parent=None)
        self._path_codes = any("/" in code for code in self._terms)
        pattern = _PATH_CODE if self._path_codes else _FLAT_CODE
        for code, term in self._terms.items():
            if not pattern.match(code):
                raise VocabularyDataError(f"{name}: malformed code {code!r}")
            if self._path_codes and term.parent is not None and not code.startswith(term.parent + "/"):
                raise VocabularyDataError(f"{name}: {code!r} is not under its parent {term.parent!r}")

    def _flatten(self, raw_terms: list[Any], parent: str | None) -> None:
        for raw in raw_terms:
            if not isinstance(raw, Mapping):
                raise VocabularyDataError(f"{self.name}: term under {parent!r} is not an object")
            code = raw.get("code")
            if not isinstance(code, str) or not code:
                raise VocabularyDataError(f"{self.name}: term without code under {parent!r}")
            if code in self._terms:
                raise VocabularyDataError(f"{self.name}: duplicate code {code!r}")
            label_fr, label_en = raw.get("label_fr"), raw.get("label_en")
            if not (isinstance(label_fr, str) and label_fr.strip() and isinstance(label_en, str) and label_en.strip()):
                raise VocabularyDataError(f"{self.name}: {code!r} needs non-empty label_fr and label_en")
            children = raw.get("children", [])
            if not isinstance(children, list):
                raise VocabularyDataError(f"{self.name}: children of {code!r} must be a list")
            extra = _freeze({k: v for k, v in raw.items() if k not in _TERM_KEYS})
            self._terms[code] = Term(code, label_fr, label_en, parent, extra)
            self._children[parent].append(code)
            self._children[code] = []
            self._flatten(children, parent=code)

    # -- lookups ---------------------------------------------------------------------

    def codes(self) -> frozenset[str]:
        return frozenset(self._terms)

    def get(self, code: str) -> Term:
        """The term for ``code``; raises :class:`UnknownTerm` (field = vocabulary name)."""
        term = self._terms.get(code) if isinstance(code, str) else None
        if term is None:
            raise UnknownTerm(self.name, code, self.allowed_for(code), vocabulary=self.name)
        return term

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._terms

    def __len__(self) -> int:
        return len(self._terms)

    def __iter__(self) -> Iterator[Term]:
        return iter(self._terms.values())

    def __repr__(self) -> str:
        return f"<Vocabulary {self.name} {self.version}: {len(self)} terms>"

    def roots(self) -> list[Term]:
        """Top-level terms, in file order."""
        return [self._terms[c] for c in self._children[None]]

    def children(self, code: str) -> list[Term]:
        """Direct children of ``code``, in file order (empty for a leaf)."""
        self.get(code)
        return [self._terms[c] for c in self._children[code]]

    def descendants(self, code: str) -> list[Term]:
        """All terms below ``code``, depth first."""
        out: list[Term] = []
        for child in self.children(code):
            out.append(child)
            out.extend(self.descendants(child.code))
        return out

    def ancestors(self, code: str) -> list[Term]:
        """Parent, grandparent, ... of ``code`` (nearest first; empty for a root)."""
        out: list[Term] = []
        parent = self.get(code).parent
        while parent is not None:
            term = self._terms[parent]
            out.append(term)
            parent = term.parent
        return out

    def is_leaf(self, code: str) -> bool:
        self.get(code)
        return not self._children[code]

    def terms(self) -> list[Term]:
        """Every term, flattened depth first in file order, with ``parent`` set."""
        return list(self._terms.values())

    def allowed_for(self, value: object) -> list[str]:
        """Sorted codes to offer when ``value`` is rejected.

        For path-coded vocabularies (regions) the siblings under the nearest existing
        ancestor of ``value`` (e.g. the communes of a cercle), else the roots; for the
        others every code.
        """
        if not self._path_codes:
            return sorted(self._terms)
        if isinstance(value, str):
            prefix = value
            while "/" in prefix:
                prefix = prefix.rsplit("/", 1)[0]
                if prefix in self._terms:
                    return sorted(self._children[prefix])
        return sorted(self._children[None])

    # -- serialisation ---------------------------------------------------------------

    def to_public(self) -> dict[str, Any]:
        """The JSON document served by the API: the file's tree, with ``parent`` added.

        A fresh structure on every call; callers may mutate it.
        """

        def node(code: str) -> dict[str, Any]:
            term = self._terms[code]
            out: dict[str, Any] = {
                "code": term.code,
                "label_fr": term.label_fr,
                "label_en": term.label_en,
                "parent": term.parent,
            }
            out.update(_thaw(term.extra))
            if self._children[code]:
                out["children"] = [node(c) for c in self._children[code]]
            return out

        doc: dict[str, Any] = {"vocabulary": self.name, "version": self.version, "notes": self.notes}
        doc.update(_thaw(self.extra))
        doc["terms"] = [node(c) for c in self._children[None]]
        return doc


# -- module-level API -----------------------------------------------------------------


@cache
def vocabulary(name: str) -> Vocabulary:
    """The vocabulary ``name`` (one of :data:`VOCABULARY_NAMES`), loaded once and cached."""
    if name not in VOCABULARY_NAMES:
        raise LookupError(f"unknown vocabulary {name!r}; known: {', '.join(VOCABULARY_NAMES)}")
    text = resources.files(__name__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise VocabularyDataError(f"{name}.json is not valid JSON: {exc}") from exc
    if not isinstance(data, Mapping):
        raise VocabularyDataError(f"{name}.json must hold an object")
    return Vocabulary(data, expected_name=name)


def vocabularies() -> dict[str, Vocabulary]:
    """Every vocabulary, by name (loads all of them)."""
    return {name: vocabulary(name) for name in VOCABULARY_NAMES}


def require_term(name: str, code: str, *, field: str) -> Term:
    """The term ``code`` of vocabulary ``name``, or :class:`UnknownTerm` naming ``field``."""
    vocab = vocabulary(name)
    if code in vocab:
        return vocab.get(code)
    raise UnknownTerm(field, code, vocab.allowed_for(code), vocabulary=name)


# -- regions --------------------------------------------------------------------------


def region_of(code: str) -> str:
    """The region (or ``bamako-district``) containing a cercle or commune code.

    A region code maps to itself. Unknown codes raise :class:`UnknownTerm` (field
    ``location``).
    """
    regions = vocabulary("regions")
    if code not in regions:
        raise UnknownTerm("location", code, regions.allowed_for(code), vocabulary="regions")
    ancestors = regions.ancestors(code)
    return ancestors[-1].code if ancestors else code


def require_location(
    region: str, cercle: str | None = None, commune: str | None = None
) -> tuple[Term, Term | None, Term | None]:
    """Validate a region / cercle / commune triple, returning their terms.

    The cercle must belong to the region and the commune to the cercle; a commune
    cannot be given without its cercle. Raises :class:`UnknownTerm` naming the first
    bad field (``region``, ``cercle`` or ``commune``) with the values allowed there.
    """
    regions = vocabulary("regions")
    roots = [t.code for t in regions.roots()]
    if region not in regions or regions.get(region).parent is not None:
        raise UnknownTerm("region", region, roots, vocabulary="regions")
    region_term = regions.get(region)
    cercles = [t.code for t in regions.children(region)]
    if cercle is None:
        if commune is not None:
            raise UnknownTerm("cercle", None, cercles, vocabulary="regions")
        return region_term, None, None
    if cercle not in cercles:
        raise UnknownTerm("cercle", cercle, cercles, vocabulary="regions")
    cercle_term = regions.get(cercle)
    if commune is None:
        return region_term, cercle_term, None
    communes = [t.code for t in regions.children(cercle)]
    if commune not in communes:
        raise UnknownTerm("commune", commune, communes, vocabulary="regions")
    return region_term, cercle_term, regions.get(commune)


def is_valid_location(region: str, cercle: str | None, commune: str | None) -> bool:
    """Whether the triple is consistent (see :func:`require_location`)."""
    try:
        require_location(region, cercle, commune)
    except UnknownTerm:
        return False
    return True


# -- verification workflow ------------------------------------------------------------


def verification_transitions() -> dict[str, frozenset[str]]:
    """Allowed status changes: ``{status: {statuses it may move to}}`` (a fresh dict)."""
    return {t.code: frozenset(t.extra.get("transitions", ())) for t in vocabulary("verification_statuses")}


def can_transition(current: str, new: str) -> bool:
    """Whether a verification status may change from ``current`` to ``new``."""
    return new in verification_transitions().get(current, frozenset())
