"""Controlled vocabularies shipped by a service as versioned JSON with French and English labels.

A service keeps its own files (`<service>/vocabularies/<name>.json`, top level `{"vocabulary",
"version", "terms": [{"code", "label_fr", "label_en", ...}]}`) and evolves its terms alone; only this
loader is shared.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any

from .errors import InvalidInput


class UnknownTerm(InvalidInput):
    """A code that is not in the named vocabulary: the one 422 every service answers for it.

    The problem names the input field, the vocabulary and the allowed codes; the value the client sent
    stays out of the body (it may be anything, even a name).
    """

    def __init__(self, field: str, value: str, allowed: Iterable[str], *, vocabulary: str | None = None) -> None:
        self.value, self.allowed = value, tuple(allowed)
        super().__init__("unknown_term", field=field, vocabulary=vocabulary or field, allowed=list(self.allowed))


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary; `attributes` holds anything beyond code and labels."""

    code: str
    label_fr: str
    label_en: str
    attributes: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def label(self, language: str = "fr") -> str:
        """The label in `language` ("fr" or "en"), French otherwise."""
        return self.label_en if language == "en" else self.label_fr


@dataclass(frozen=True)
class Vocabulary:
    """A named, versioned list of terms."""

    name: str
    version: str
    terms: tuple[Term, ...]

    def codes(self) -> tuple[str, ...]:
        """Codes in the order the file lists them."""
        return tuple(t.code for t in self.terms)

    def get(self, code: str) -> Term | None:
        """The term with this code, or None."""
        return next((t for t in self.terms if t.code == code), None)

    def __contains__(self, code: object) -> bool:
        return any(t.code == code for t in self.terms)

    def to_public(self) -> dict[str, Any]:
        """JSON-ready form, in the same shape as the shipped file."""
        return {"vocabulary": self.name, "version": self.version,
                "terms": [{"code": t.code, "label_fr": t.label_fr, "label_en": t.label_en, **t.attributes}
                          for t in self.terms]}


@cache
def load_vocabulary(package: str, name: str) -> Vocabulary:
    """Load `<package>/vocabularies/<name>.json`, shipped with a service (read once per process)."""
    resource = files(package).joinpath("vocabularies", f"{name}.json")
    if not resource.is_file():
        raise LookupError(f"no vocabulary named {name!r}")
    raw = json.loads(resource.read_text(encoding="utf-8"))
    terms = tuple(
        Term(t["code"], t["label_fr"], t["label_en"],
             MappingProxyType({k: v for k, v in t.items() if k not in ("code", "label_fr", "label_en")}))
        for t in raw["terms"]
    )
    return Vocabulary(raw["vocabulary"], raw["version"], terms)


def require_code(vocab: Vocabulary, code: str, *, field: str) -> Term:
    """The term, or a 422 (`UnknownTerm`) naming the input field, the vocabulary and the allowed codes."""
    term = vocab.get(code)
    if term is None:
        raise UnknownTerm(field, code, vocab.codes(), vocabulary=vocab.name)
    return term
