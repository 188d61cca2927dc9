"""Controlled vocabularies shipped by a service as versioned JSON with French and English labels.

A service keeps its own files (`<service>/vocabularies/<name>.json`, top level `{"vocabulary",
"version", "notes"?, "terms": [{"code", "label_fr", "label_en", "children"?, ...}]}`) and evolves its
terms alone; only this loader is shared. A hierarchical vocabulary nests terms under `children`; it is
flattened depth first, each term knowing its `parent`. Small flat lists that share one version may sit
together under `"lists": {name: [terms]}` (each becomes a vocabulary named for its list, in `lists`).
A file of tables (a procedure, a rule table) may have no `terms`: its tables are in `extra`, and
`term_of` reads their rows' codes and labels. Any other key of the file is kept in `extra`.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib.resources import files
from types import MappingProxyType
from typing import Any

from .errors import InvalidInput

TERM_KEYS = frozenset({"code", "label_fr", "label_en", "children"})
FILE_KEYS = frozenset({"vocabulary", "version", "notes", "terms", "lists"})


class VocabularyDataError(RuntimeError):
    """A shipped data file is malformed: a packaging bug, never a client error."""


class UnknownTerm(InvalidInput):
    """A code that is not in the named vocabulary: the one 422 every service answers for it.

    The problem names the input field, the vocabulary and the allowed codes; the value the client sent
    stays out of the body (it may be anything, even a name).
    """

    def __init__(self, field: str, value: object, allowed: Iterable[str], *, vocabulary: str | None = None) -> None:
        self.value, self.allowed = value, tuple(allowed)
        super().__init__("unknown_term", field=field, vocabulary=vocabulary or field, allowed=list(self.allowed))


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary; `attributes` holds anything beyond code and labels."""

    code: str
    label_fr: str
    label_en: str
    attributes: Mapping[str, Any] = field(default_factory=dict, hash=False)
    parent: str | None = None

    def label(self, language: str = "fr") -> str:
        """The label in `language` ("fr" or "en"), French otherwise."""
        return self.label_en if language == "en" else self.label_fr


@dataclass(frozen=True)
class Vocabulary:
    """A named, versioned list of terms (flattened depth first when the file nests them)."""

    name: str
    version: str
    terms: tuple[Term, ...]
    notes: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    # The file's named flat lists, each a vocabulary of its own (same version and notes).
    lists: Mapping[str, Vocabulary] = field(default_factory=dict, hash=False, compare=False)

    @cached_property
    def _by_code(self) -> dict[str, Term]:
        return {t.code: t for t in self.terms}

    @cached_property
    def _children(self) -> dict[str | None, tuple[Term, ...]]:
        children: dict[str | None, list[Term]] = {}
        for term in self.terms:
            children.setdefault(term.parent, []).append(term)
        return {parent: tuple(terms) for parent, terms in children.items()}

    def codes(self) -> tuple[str, ...]:
        """Codes in the order the file lists them (depth first)."""
        return tuple(t.code for t in self.terms)

    def get(self, code: object) -> Term | None:
        """The term with this code, or None."""
        return self._by_code.get(code) if isinstance(code, str) else None

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def hierarchical(self) -> bool:
        """Whether any term nests under another."""
        return any(t.parent is not None for t in self.terms)

    def roots(self) -> tuple[Term, ...]:
        """The top-level terms, in file order."""
        return self._children.get(None, ())

    def children(self, code: str) -> tuple[Term, ...]:
        """The terms directly under `code`, in file order (none for a leaf or an unknown code)."""
        return self._children.get(code, ())

    def descendants(self, code: str) -> list[Term]:
        """Every term below `code`, depth first."""
        return [d for child in self.children(code) for d in (child, *self.descendants(child.code))]

    def ancestors(self, code: str) -> list[Term]:
        """Parent, grandparent, ... of `code` (nearest first; none for a root or an unknown code)."""
        found: list[Term] = []
        term = self.get(code)
        while term is not None and term.parent is not None:
            term = self._by_code[term.parent]
            found.append(term)
        return found

    def allowed_for(self, value: object) -> tuple[str, ...]:
        """The codes to offer when `value` is refused: every code of a flat vocabulary; in a hierarchy whose
        codes are paths (`segou/niono/niono`), the terms under the nearest known ancestor, else the roots,
        so a refused commune lists its cercle's communes rather than the whole country's."""
        if not self.hierarchical:
            return self.codes()
        prefix = value if isinstance(value, str) else ""
        while "/" in prefix:
            prefix = prefix.rsplit("/", 1)[0]
            if prefix in self:
                return tuple(t.code for t in self.children(prefix))
        return tuple(t.code for t in self.roots())

    def to_public(self) -> dict[str, Any]:
        """JSON-ready form, in the shape of the shipped file without its notes (nested terms carry their `parent`).

        A fresh copy every time: callers may change it."""
        document: dict[str, Any] = {"vocabulary": self.name, "version": self.version}
        document.update(copy.deepcopy(dict(self.extra)))
        document["terms"] = [self._public(t) for t in (self.roots() if self.hierarchical else self.terms)]
        return document

    def _public(self, term: Term) -> dict[str, Any]:
        public: dict[str, Any] = {"code": term.code, "label_fr": term.label_fr, "label_en": term.label_en}
        if self.hierarchical:
            public["parent"] = term.parent
        public.update(copy.deepcopy(dict(term.attributes)))
        if children := self.children(term.code):
            public["children"] = [self._public(child) for child in children]
        return public


def term_of(entry: Mapping[str, Any], parent: str | None = None) -> Term:
    """A term from a data entry that must have a code and both labels; its other keys become `attributes`."""
    code, fr, en = entry.get("code"), entry.get("label_fr"), entry.get("label_en")
    if not all(isinstance(value, str) and value for value in (code, fr, en)):
        raise VocabularyDataError(f"entry {entry!r} needs code, label_fr and label_en")
    attributes = MappingProxyType({k: v for k, v in entry.items() if k not in TERM_KEYS})
    return Term(str(code), str(fr), str(en), attributes, parent)


def _flatten(raw_terms: list[dict[str, Any]], parent: str | None) -> list[Term]:
    """The file's terms depth first, each with its parent."""
    flat: list[Term] = []
    for raw in raw_terms:
        term = term_of(raw, parent)
        flat.append(term)
        flat.extend(_flatten(raw.get("children", []), term.code))
    return flat


def _vocabulary(name: str, raw: Mapping[str, Any], raw_terms: list[dict[str, Any]],
                extra: Mapping[str, Any] | None = None) -> Vocabulary:
    """Terms flattened and checked for repeated codes, with the file's version and notes."""
    terms = tuple(_flatten(raw_terms, None))
    duplicates = sorted(code for code, count in Counter(t.code for t in terms).items() if count > 1)
    if duplicates:
        raise ValueError(f"vocabulary {name!r} repeats codes: {', '.join(duplicates)}")
    return Vocabulary(name, raw["version"], terms, raw.get("notes"), MappingProxyType(dict(extra or {})))


@cache
def load_vocabulary(package: str, name: str) -> Vocabulary:
    """Load `<package>/vocabularies/<name>.json`, shipped with a service (read once per process)."""
    resource = files(package).joinpath("vocabularies", f"{name}.json")
    if not resource.is_file():
        raise LookupError(f"no vocabulary named {name!r}")
    raw = json.loads(resource.read_text(encoding="utf-8"))
    if raw.get("vocabulary") != name or not raw.get("version"):
        raise VocabularyDataError(f"{name}.json lacks its name or its version")
    vocabulary = _vocabulary(name, raw, raw.get("terms", []), {k: v for k, v in raw.items() if k not in FILE_KEYS})
    lists = {list_name: _vocabulary(list_name, raw, entries) for list_name, entries in raw.get("lists", {}).items()}
    return dataclasses.replace(vocabulary, lists=MappingProxyType(lists))


def require_code(vocab: Vocabulary, code: object, *, field: str, among: Iterable[Term] | None = None) -> Term:
    """The term, or a 422 (`UnknownTerm`) naming the input field, the vocabulary and the allowed codes.

    `among` narrows what this field accepts to some of the terms (a region's cercles) and the 422 offers those.
    """
    term = vocab.get(code)
    allowed = None if among is None else tuple(t.code for t in among)
    if term is None or (allowed is not None and term.code not in allowed):
        raise UnknownTerm(field, code, vocab.allowed_for(code) if allowed is None else allowed, vocabulary=vocab.name)
    return term
