"""Casework's controlled vocabularies, shipped as versioned JSON data (French and English labels).

Pure: reads only this package's own data files (once, cached). A code a client sends that is not
in a list raises the kit's :class:`servicekit.vocabulary.UnknownTerm`, the one 422 of every service
(naming the field, the vocabulary and the allowed codes, never the value).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from servicekit.vocabulary import UnknownTerm

TERM_LISTS = ("decline_reasons", "hearing_purposes", "hearing_outcomes", "postponement_reasons",
              "cancellation_reasons", "reparation_measures", "task_kinds")


class VocabularyDataError(RuntimeError):
    """A shipped data file is malformed: a packaging bug, never a client error."""


@dataclass(frozen=True)
class Term:
    """One code with its labels; other keys of the entry are kept read-only in `extra`."""

    code: str
    label_fr: str
    label_en: str
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), compare=False)

    def public(self) -> dict[str, Any]:
        """The term as plain data for the vocabulary endpoints."""
        return {"code": self.code, "label_fr": self.label_fr, "label_en": self.label_en, **self.extra}


@dataclass(frozen=True)
class Court:
    """A court or international body where hearings take place."""

    code: str
    label_fr: str
    label_en: str
    city: str
    country: str
    kind: str
    track: str


@cache
def raw(name: str) -> dict[str, Any]:
    """The parsed data file `<name>.json` (cached; callers must not mutate it)."""
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    data = json.loads(text)
    if data.get("vocabulary") != name or not data.get("version") or not data.get("notes"):
        raise VocabularyDataError(f"{name}.json lacks its name, version or notes")
    return data


def version(name: str) -> str:
    """The version of a vocabulary file, e.g. '2026.1'."""
    return str(raw(name)["version"])


def term_from(entry: Mapping[str, Any], known_keys: frozenset[str] = frozenset()) -> Term:
    """A Term from a data entry, checking it has a code and both labels."""
    code, fr, en = entry.get("code"), entry.get("label_fr"), entry.get("label_en")
    if not (isinstance(code, str) and code and isinstance(fr, str) and fr and isinstance(en, str) and en):
        raise VocabularyDataError(f"entry {entry!r} needs code, label_fr and label_en")
    skip = {"code", "label_fr", "label_en", *known_keys}
    return Term(code, fr, en, MappingProxyType({k: v for k, v in entry.items() if k not in skip}))


@cache
def term_list(name: str) -> Mapping[str, Term]:
    """One of the small lists of terms.json, by code."""
    if name not in TERM_LISTS:
        raise LookupError(f"no term list {name!r}")
    entries = raw("terms")["lists"][name]
    return MappingProxyType({t.code: t for t in map(term_from, entries)})


@cache
def courts() -> Mapping[str, Court]:
    """Every court and body, by code."""
    keys = ("code", "label_fr", "label_en", "city", "country", "kind", "track")
    try:
        found = {c["code"]: Court(**{k: c[k] for k in keys}) for c in raw("courts")["terms"]}
    except KeyError as exc:
        raise VocabularyDataError(f"courts.json: an entry lacks {exc}") from None
    return MappingProxyType(found)


def require_term(list_name: str, code: str, *, field_name: str) -> Term:
    """The term of `code` in a list, or a 422 naming the field and the allowed codes (never the value sent)."""
    terms = term_list(list_name)
    if code not in terms:
        raise UnknownTerm(field_name, code, sorted(terms), vocabulary=list_name)
    return terms[code]


def require_court(code: str, *, field_name: str = "court") -> Court:
    """The court of `code`, or a 422 naming the field and the allowed codes."""
    known = courts()
    if code not in known:
        raise UnknownTerm(field_name, code, sorted(known), vocabulary="courts")
    return known[code]
