"""The access-control decision table and the routes it must cover.

`access_matrix.json` states, per service and route, which principals are admitted. A rule is compact
(`allow` lists the roles; everyone else gets the default outcome) and :func:`expected_outcomes`
expands it into the full route x principal table that the tests check, cell by cell.

Principals: `anonymous` (no token), each of the nine roles (a user token of organisation
`org-amdh`, the documentation NGO; lawyers and case managers of `org-legal`, the legal-aid one), and
`service` (a service principal with the `pii:decrypt` scope and no roles, as
intake's key-release callers present themselves).

Outcomes: `allow` (the request got past authentication and authorisation: anything but 401/403 and
never 5xx; with random ids a 404 or 422 after auth still proves admission), or the status a denied
principal must receive: 401, 403 or 404 (404 where the route's credential is a secret in the URL or
a provider signature, so a bearer token opens nothing and existence is not confirmed).
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MATRIX_FILE = Path(__file__).with_name("access_matrix.json")
SERVICES = ("intake", "casework", "advocacy", "education", "notify")
ROLES = ("monitor", "documentation_officer", "lawyer", "case_manager", "advocacy_officer", "analyst", "educator",
         "notify_admin", "admin")
PRINCIPALS = ("anonymous", *ROLES, "service")
OUTCOMES = frozenset({"allow", 401, 403, 404})
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete"})


@dataclass(frozen=True)
class Route:
    """One operation of a service's API."""

    service: str
    method: str
    path: str

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"


def load_matrix() -> dict[str, Any]:
    return json.loads(MATRIX_FILE.read_text(encoding="utf-8"))


def committed_openapi(service: str) -> dict[str, Any] | None:
    path = ROOT / "services" / service / "contracts" / "openapi.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def code_openapi(service: str) -> dict[str, Any]:
    """The OpenAPI the service's routers produce now (no settings, no I/O)."""
    from servicekit.contracts import openapi

    return openapi(service)


def routes_of(service: str, document: dict[str, Any]) -> list[Route]:
    return [Route(service, method, path) for path, operations in document.get("paths", {}).items()
            for method in operations if method in HTTP_METHODS]


def expected_outcomes(rule: dict[str, Any]) -> dict[str, str | int]:
    """The full row of a rule: one outcome per principal."""
    if "everyone" in rule:  # a non-bearer credential (URL secret, provider signature) or a public probe
        return {principal: rule["everyone"] for principal in PRINCIPALS}
    allowed = set(rule["allow"])
    unknown = allowed - set(PRINCIPALS) - {"authenticated"}
    if unknown:
        raise ValueError(f"unknown principals {sorted(unknown)}")
    row: dict[str, str | int] = {}
    for principal in PRINCIPALS:
        if principal in allowed or ("authenticated" in allowed and principal != "anonymous"):
            row[principal] = "allow"
        elif principal == "anonymous":
            row[principal] = 401
        else:
            row[principal] = rule.get("denied", 403)
    return row


def rule_problems(service: str, key: str, rule: dict[str, Any]) -> list[str]:
    """What is wrong with one rule as written (shape, vocabulary, missing reasons)."""
    problems = []
    if not isinstance(rule.get("why"), str) or len(rule["why"]) < 10:
        problems.append(f"{service} {key}: say why in 'why'")
    if ("allow" in rule) == ("everyone" in rule):
        problems.append(f"{service} {key}: give exactly one of 'allow' or 'everyone'")
        return problems
    try:
        row = expected_outcomes(rule)
    except ValueError as exc:
        return [*problems, f"{service} {key}: {exc}"]
    bad = {p: o for p, o in row.items() if o not in OUTCOMES}
    if bad:
        problems.append(f"{service} {key}: outcomes {bad} are not among {sorted(map(str, OUTCOMES))}")
    return problems


# Random ids for path parameters: the first candidate that the parameter's pattern accepts is used.
def _candidates() -> list[str]:
    return [str(uuid.uuid4()), uuid.uuid4().hex, secrets.token_urlsafe(32), f"r{uuid.uuid4().hex[:8]}.json", "zz"]


def path_value(name: str, schema: dict[str, Any], document: dict[str, Any]) -> str:
    """A random value the parameter's schema accepts (an enum's first member, else a random id)."""
    if "$ref" in schema:
        schema = _resolve(document, schema["$ref"])
    if "enum" in schema:
        return str(schema["enum"][0])
    pattern = schema.get("pattern")
    for candidate in _candidates():
        if pattern is None or re.fullmatch(pattern.lstrip("^").rstrip("$"), candidate):
            return candidate
    raise AssertionError(f"no random value fits path parameter {name} pattern {pattern}: add a candidate")


def _resolve(document: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node  # type: ignore[no-any-return]


def concrete_path(route: Route, document: dict[str, Any]) -> str:
    operation = document["paths"][route.path][route.method]
    path = route.path
    for parameter in [*document["paths"][route.path].get("parameters", []), *operation.get("parameters", [])]:
        if parameter["in"] == "path":
            value = path_value(parameter["name"], parameter.get("schema", {}), document)
            path = path.replace("{" + parameter["name"] + "}", value)
    return path


def minimal_body(route: Route, document: dict[str, Any]) -> dict[str, Any]:
    """httpx keyword arguments for a minimal body: `{}` for JSON, an empty form for forms, none otherwise."""
    operation = document["paths"][route.path][route.method]
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        return {"json": {}}
    if "application/x-www-form-urlencoded" in content:
        return {"data": {}}
    if "multipart/form-data" in content:
        return {"files": {"file": ("empty.bin", b"", "application/octet-stream")}}
    return {}


# Legal-aid staff belong to a legal-aid organisation: referrals are addressed to one, never to org-amdh.
ORGANISATION_OF = {"lawyer": "org-legal", "case_manager": "org-legal"}


def bearer_headers(system: Any, principal: str) -> dict[str, str]:
    """Authorization header of a principal of the table (none for anonymous)."""
    if principal == "anonymous":
        return {}
    if principal == "service":
        token = system.token("", org=None, sub="svc-security-test", scopes=("pii:decrypt",), service=True)
    else:
        token = system.token(principal, org=ORGANISATION_OF.get(principal, "org-amdh"))
    return {"Authorization": f"Bearer {token}"}


def verdict(expected: str | int, status: int) -> bool:
    """Whether an observed status honours an expected outcome (5xx never does)."""
    if status >= 500:
        return False
    if expected == "allow":
        return status not in (401, 403)
    return status == expected
