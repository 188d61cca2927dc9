"""Every error code raised anywhere has a French and an English text, with the parameters it formats.

The walk reads the sources (no import, no I/O): each `InvalidInput("code", ...)` and the like, each
`rule_error("code")` in a pydantic validator, each localised guard refusal, each authentication
reason. A raise site whose code has no catalogue entry fails here instead of shipping a bare code.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic_core._pydantic_core import list_all_errors
from servicekit.i18n import LANGUAGES, placeholders

ROOT = Path(__file__).resolve().parents[1]
KIT = ROOT / "libs/servicekit/src/servicekit"
SERVICES = ("intake", "casework", "advocacy", "education", "notify")
RESERVED = {"type", "title", "status", "detail", "code", "errors"}
# Calls whose first argument is not a literal but a code from a catalogued source.
COMPUTED = {("errors.py", "from_validation"), ("problems.py", "_http_handler"),
            ("problems.py", "auth_problem_response"), ("csv_rows.py", "row_errors"), ("imports.py", "run_import"),
            ("overload.py", "_shed"),  # "overloaded" or "request_deadline", checked by test_overload.py
            ("vocabulary.py", "require_code")}  # UnknownTerm's code is always "unknown_term"


@dataclass(frozen=True)
class Site:
    """One place that raises or answers with a code."""

    package: str
    where: str
    code: str | None
    params: frozenset[str] | None  # None when the site passes **kwargs


def _messages(package_dir: Path) -> dict[str, dict[str, str]]:
    found = {}
    for language in LANGUAGES:
        path = package_dir / "locales" / f"{language}.json"
        found[language] = json.loads(path.read_text(encoding="utf-8"))["messages"] if path.exists() else {}
    return found


def _sources() -> Iterator[tuple[str, Path]]:
    yield from (("servicekit", path) for path in sorted(KIT.rglob("*.py")))
    for service in SERVICES:
        yield from ((service, path) for path in sorted((ROOT / f"services/{service}/src/{service}").rglob("*.py")))


def _error_classes() -> set[str]:
    """Names of DomainError and of every class deriving from it, across the project."""
    names, bases = {"DomainError"}, {}
    for _, path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases[node.name] = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
    while True:
        more = {name for name, parents in bases.items() if parents & names} - names
        if not more:
            return names
        names |= more


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _codes(arg: ast.expr) -> list[str] | None:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value]
    if isinstance(arg, ast.IfExp):  # "a" if condition else "b"
        both = (_codes(arg.body), _codes(arg.orelse))
        return None if None in both else [*both[0], *both[1]]  # type: ignore[misc]
    return None


def _sites() -> Iterator[Site]:
    errors = _error_classes()
    for package, path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = {id(n): f.name for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
                     for n in ast.walk(f)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name, position = _name(node), None
            if name == "UnknownTerm":  # the kit's one 422 for a term: its code is always unknown_term
                yield Site(package, f"{path.relative_to(ROOT)}:{node.lineno}", "unknown_term",
                           frozenset({"vocabulary", "allowed"}))
                continue
            if name in errors or name == "rule_error":
                position = 0
            elif (name == "problem_response" and package == "servicekit") or name == "RowError":
                position = 2  # RowError(row, field, code): an import's per-row refusal
            if position is None or len(node.args) <= position:
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            params = None if any(k.arg is None for k in node.keywords) or len(node.args) > position + 1 else \
                frozenset(k.arg for k in node.keywords if k.arg not in ("field", "headers", "messages"))
            codes = _codes(node.args[position])
            if codes is None:
                if (path.name, functions.get(id(node))) not in COMPUTED:
                    yield Site(package, where, None, params)
                continue
            yield from (Site(package, where, code, params) for code in codes)


def _auth_reasons() -> set[str]:
    """Reasons the kit's auth module gives, as the slugs the problem handler turns them into."""
    tree = ast.parse((KIT / "auth.py").read_text(encoding="utf-8"))
    reasons = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node) in {"AuthError", "PermissionDenied"} and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant):
                reasons.add(arg.value)
            elif isinstance(arg, ast.JoinedStr):  # f"token {claim} claim is malformed": each claim read
                reasons |= {f"token {claim} claim is malformed" for claim in ("roles", "scope", "scp")}
        if isinstance(node, ast.Tuple) and len(node.elts) == 2 and isinstance(node.elts[1], ast.Constant) \
                and isinstance(node.elts[1].value, str) and node.elts[1].value.startswith("token "):
            reasons.add(node.elts[1].value)  # the _REASONS table
    return {re.sub(r"[^a-z0-9]+", "_", r.lower()).strip("_") for r in reasons}


KIT_MESSAGES = _messages(KIT)
SITES = list(_sites())


def _catalogue(package: str) -> dict[str, dict[str, str]]:
    own = _messages(ROOT / f"services/{package}/src/{package}") if package != "servicekit" else {}
    return {lang: {**KIT_MESSAGES[lang], **own.get(lang, {})} for lang in LANGUAGES}


def test_the_walk_finds_the_raise_sites_of_every_service():
    assert {site.package for site in SITES} == {"servicekit", *SERVICES}
    assert len(SITES) > 150


def test_every_raise_site_names_a_literal_code():
    computed = [site.where for site in SITES if site.code is None]
    assert computed == [], "pass a catalogued code as the first argument"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_raised_code_has_a_text_in_each_language(language):
    missing = sorted(f"{site.where}: {site.code}" for site in SITES
                     if site.code is not None and site.code not in _catalogue(site.package)[language])
    assert missing == []


def test_every_text_formats_only_parameters_its_raise_sites_pass():
    problems = []
    for site in SITES:
        if site.code is None or site.params is None:
            continue
        for language, texts in _catalogue(site.package).items():
            wanted = placeholders(texts.get(site.code, ""))
            if not wanted <= site.params:
                problems.append(f"{site.where}: {site.code} ({language}) needs {sorted(wanted - site.params)}")
    assert problems == []


def test_no_raise_site_passes_a_parameter_that_would_overwrite_the_problem_body():
    assert [site.where for site in SITES if site.params and site.params & RESERVED] == []


@pytest.mark.parametrize("package", ["servicekit", *SERVICES])
def test_both_catalogues_of_a_package_hold_the_same_codes_and_placeholders(package):
    texts = KIT_MESSAGES if package == "servicekit" else _messages(ROOT / f"services/{package}/src/{package}")
    assert set(texts["fr"]) == set(texts["en"])
    assert {c: placeholders(t) for c, t in texts["fr"].items()} == {c: placeholders(t) for c, t in texts["en"].items()}


@pytest.mark.parametrize("package", SERVICES)
def test_a_service_does_not_redefine_the_kits_codes(package):
    own = _messages(ROOT / f"services/{package}/src/{package}")
    assert set(own["fr"]) & set(KIT_MESSAGES["fr"]) == set()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_pydantic_error_type_has_a_text(language):
    assert [e["type"] for e in list_all_errors() if e["type"] not in KIT_MESSAGES[language]] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_authentication_reason_has_a_text(language):
    assert sorted(_auth_reasons() - set(KIT_MESSAGES[language])) == []
    assert len(_auth_reasons()) >= 15


def test_every_http_status_the_services_answer_has_a_title():
    titles = {lang: json.loads((KIT / "locales" / f"{lang}.json").read_text(encoding="utf-8"))["titles"]
              for lang in LANGUAGES}
    statuses = {"400", "401", "403", "404", "405", "409", "410", "413", "415", "422", "429", "500", "503"}
    assert all(statuses <= set(t) for t in titles.values())
