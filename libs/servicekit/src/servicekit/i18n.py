"""Messages in the users' languages: catalogues as data, `Accept-Language` negotiation, formatting.

Each text has a stable machine-readable code. The kit ships `servicekit/locales/<language>.json`
(HTTP titles, the input guard, authentication, pydantic's validation errors, the kit's own rules);
a service ships `<service>/locales/<language>.json` with the codes its domain raises. Both files of
a package hold the same codes; `tests/test_error_catalogues.py` walks every raise site of the
project and fails when a code is missing from a catalogue. French is the default language.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from pydantic_core import PydanticCustomError

LANGUAGES: tuple[str, ...] = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
KIT_PACKAGE = "servicekit"
_RANGE = re.compile(r"^([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*$|^\*$")


def negotiate(accept_language: str | None, supported: Iterable[str] = LANGUAGES) -> str:
    """The supported language the client prefers (RFC 9110 weights); French when none is acceptable."""
    offered = tuple(supported)
    best, best_q = DEFAULT_LANGUAGE if DEFAULT_LANGUAGE in offered else offered[0], 0.0
    for position, item in enumerate((accept_language or "")[:512].split(",")[:32]):
        tag, _, params = item.strip().partition(";")
        match = _RANGE.match(tag.strip())
        if not match:
            continue
        q = _weight(params)
        language = offered[0] if tag.strip() == "*" else (match.group(1) or "").lower()
        # Equal weights keep the client's order: the earlier range wins.
        if language in offered and q > best_q:
            best, best_q = language, q - position * 1e-6
    return best


def _weight(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value)))
            except ValueError:
                return 0.0
    return 1.0


class _Lenient(dict[str, str]):
    """Format parameters; a parameter the raise site forgot shows as its name, never a 500."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def format_value(value: Any, language: str) -> str:
    """A parameter as text: lists joined, whole numbers grouped the way the language writes them."""
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return ", ".join(format_value(item, language) for item in items)
    if isinstance(value, bool) or not isinstance(value, int):
        return str(value)
    grouped = f"{value:,}"
    return grouped.replace(",", "\u202f") if language == "fr" else grouped


def placeholders(text: str) -> set[str]:
    """The names a catalogue text formats."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@dataclass(frozen=True)
class Catalogue:
    """Texts by language and code, plus the title of each HTTP status."""

    messages: Mapping[str, Mapping[str, str]]
    titles: Mapping[str, Mapping[str, str]]

    def has(self, code: str) -> bool:
        """True when every language has a text for `code`."""
        return all(code in self.messages.get(language, {}) for language in LANGUAGES)

    def text(self, code: str, language: str, params: Mapping[str, Any] | None = None) -> str:
        """The text of `code` in `language` with its parameters (French, then the code, when missing)."""
        template = self.messages.get(language, {}).get(code) or self.messages[DEFAULT_LANGUAGE].get(code) or code
        values = _Lenient({name: format_value(value, language) for name, value in (params or {}).items()})
        return string.Formatter().vformat(template, (), values)

    def title(self, status: int, language: str) -> str:
        """The short title of an HTTP status in `language`."""
        titles = self.titles.get(language) or self.titles[DEFAULT_LANGUAGE]
        return titles.get(str(status)) or titles.get(str(status // 100 * 100), "Error")


def _read(package: str, language: str) -> dict[str, Any]:
    resource = files(package).joinpath("locales", f"{language}.json")
    if not resource.is_file():
        return {}
    data: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    if data.get("language") != language:
        raise ValueError(f"{package}/locales/{language}.json declares language {data.get('language')!r}")
    return data


def package_messages(package: str, language: str) -> dict[str, str]:
    """The texts one package ships for one language (not merged with the kit's)."""
    return dict(_read(package, language).get("messages", {}))


@cache
def catalogue(package: str | None = None) -> Catalogue:
    """The kit's catalogue, merged with a service package's own (read once per process)."""
    messages: dict[str, dict[str, str]] = {}
    titles: dict[str, dict[str, str]] = {}
    for language in LANGUAGES:
        kit = _read(KIT_PACKAGE, language)
        own = package_messages(package, language) if package and package != KIT_PACKAGE else {}
        clash = sorted(set(own) & set(kit.get("messages", {})))
        if clash:
            raise ValueError(f"{package} redefines kit message codes: {', '.join(clash)}")
        messages[language] = {**kit.get("messages", {}), **own}
        titles[language] = dict(kit.get("titles", {}))
    return Catalogue(messages=messages, titles=titles)


def text(code: str, language: str = DEFAULT_LANGUAGE, package: str | None = None, **params: Any) -> str:
    """One message, formatted (for texts outside an HTTP answer: reports, import rows)."""
    return catalogue(package).text(code, language, params)


def rule_error(code: str, **params: Any) -> PydanticCustomError:
    """A pydantic validator's refusal under a catalogued code: `raise rule_error("period_reversed")`."""
    return PydanticCustomError(code, code, params)
