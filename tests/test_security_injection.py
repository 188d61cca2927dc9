"""Mongo operator injection in bodies, query strings and path ids of every service: refused or inert.

Operator-like keys (`$gt`, `$where`, dotted paths) in JSON bodies and query-parameter names must be
refused with a 4xx before any handler runs. Operator-like *values* in free-text query filters may be
accepted as literal strings, but then they must match nothing more than a nonsense literal does: the
response must be identical to the one for `zz-no-such-value`. Nothing here may ever answer 5xx.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest
import security_access as access
import security_injection as injection

pytestmark = pytest.mark.integration

MATRIX = access.load_matrix()
WRITE_METHODS = ("post", "put", "patch")
NONSENSE = "zz-no-such-value"


def admitted_principal(service: str, route: access.Route) -> str:
    """A principal the table admits on the route, so that a refusal is about the payload, not the role."""
    row = access.expected_outcomes(MATRIX["services"][service][route.key])
    admitted = [principal for principal, outcome in row.items() if outcome == "allow"]
    if not admitted:
        return "admin"  # routes with a non-bearer credential: any caller meets the same refusal
    return "admin" if "admin" in admitted and len(admitted) > 2 else admitted[0]


@pytest.fixture(scope="module")
def live_documents(security_system) -> dict[str, dict[str, Any]]:
    return {service: httpx.get(f"{security_system.url(service)}/openapi.json", timeout=10.0).json()
            for service in access.SERVICES}


_HEADERS: dict[str, dict[str, str]] = {}


def _client(security_system, service: str, principal: str) -> httpx.Client:
    # One token per principal for the whole module: minting and verifying are not what is tested here.
    if principal not in _HEADERS:
        _HEADERS[principal] = access.bearer_headers(security_system, principal)
    return httpx.Client(base_url=security_system.url(service), headers=_HEADERS[principal], timeout=20.0)


def _is_4xx(status: int) -> bool:
    return 400 <= status < 500


@pytest.mark.parametrize("service", access.SERVICES)
def test_operator_keys_in_request_bodies_are_refused(security_system, live_documents, service):
    document, failures, sent = live_documents[service], [], 0
    for route in access.routes_of(service, document):
        if route.method not in WRITE_METHODS:
            continue
        operation = document["paths"][route.path][route.method]
        content = operation.get("requestBody", {}).get("content", {})
        path = access.concrete_path(route, document)
        with _client(security_system, service, admitted_principal(service, route)) as client:
            if "application/json" in content:
                for name, body in injection.body_payloads(injection.first_property(document, operation)).items():
                    response = client.request(route.method.upper(), path, json=body)
                    sent += 1
                    if not _is_4xx(response.status_code):
                        failures.append(f"{route.key} body {name}: {response.status_code} {response.text[:150]}")
            elif "application/x-www-form-urlencoded" in content:
                response = client.request(route.method.upper(), path, data={"$where": "1", "To.$ne": "x"})
                sent += 1
                if not _is_4xx(response.status_code):
                    failures.append(f"{route.key} form: {response.status_code} {response.text[:150]}")
    assert sent > 0, f"{service} has no write route to attack: the table or the API changed"
    assert not failures, f"{service}: {len(failures)} of {sent} injected bodies got through:\n" + "\n".join(failures)


@pytest.mark.parametrize("service", access.SERVICES)
def test_operator_names_in_query_strings_are_refused(security_system, live_documents, service):
    document, failures, sent = live_documents[service], [], 0
    for route in access.routes_of(service, document):
        path = access.concrete_path(route, document)
        with _client(security_system, service, admitted_principal(service, route)) as client:
            for name in injection.QUERY_NAMES:
                response = client.request(route.method.upper(), f"{path}?{quote(name, safe='')}=1",
                                          **access.minimal_body(route, document))
                sent += 1
                if response.status_code != 400:
                    failures.append(f"{route.key} ?{name}=1: {response.status_code} {response.text[:150]}")
    assert not failures, f"{service}: {len(failures)} of {sent} operator names got through:\n" + "\n".join(failures)


def _body(response: httpx.Response) -> Any:
    if response.headers.get("content-type", "").startswith("application/json"):
        return response.json()
    return response.text


@pytest.mark.parametrize("service", access.SERVICES)
def test_operator_values_in_query_filters_match_nothing_a_literal_would_not(security_system, live_documents, service,
                                                                           seeded_incident):
    document, failures, compared = live_documents[service], [], 0
    for route in access.routes_of(service, document):
        operation = document["paths"][route.path][route.method]
        if route.method != "get" or "{" in route.path:
            continue
        with _client(security_system, service, admitted_principal(service, route)) as client:
            for parameter in injection.string_query_parameters(document, operation):
                literal = client.get(route.path, params={parameter: NONSENSE})
                unfiltered = client.get(route.path)
                for value in injection.QUERY_VALUES:
                    response = client.get(route.path, params={parameter: value})
                    compared += 1
                    if response.status_code >= 500 or (
                            not _is_4xx(response.status_code)
                            and (response.status_code != literal.status_code or _body(response) != _body(literal))):
                        failures.append(f"{route.key} ?{parameter}={value}: {response.status_code}, differs from "
                                        f"the literal {NONSENSE!r} ({literal.status_code})")
                # qs-style operator names (`region[$ne]=x`) are not parameters: at most ignored.
                bracketed = client.get(f"{route.path}?{quote(parameter + '[$ne]', safe='')}=x")
                compared += 1
                if bracketed.status_code >= 500 or (not _is_4xx(bracketed.status_code)
                                                    and _body(bracketed) != _body(unfiltered)):
                    failures.append(f"{route.key} ?{parameter}[$ne]=x: {bracketed.status_code}, not inert")
    assert not failures, f"{service}: {len(failures)} of {compared} injected filters were not inert:\n" + "\n".join(
        failures)


@pytest.mark.parametrize("service", access.SERVICES)
def test_operator_strings_in_path_ids_are_refused(security_system, live_documents, service):
    document, failures, sent = live_documents[service], [], 0
    for route in access.routes_of(service, document):
        if "{" not in route.path:
            continue
        template = access.concrete_path(route, document)
        first = route.path.index("{")
        concrete_prefix_end = template.index("/", first) if "/" in template[first:] else len(template)
        with _client(security_system, service, admitted_principal(service, route)) as client:
            for value in injection.PATH_VALUES:
                path = template[:first] + quote(value, safe="") + template[concrete_prefix_end:]
                response = client.request(route.method.upper(), path, **access.minimal_body(route, document))
                sent += 1
                if not _is_4xx(response.status_code):
                    failures.append(f"{route.key} as {path}: {response.status_code} {response.text[:150]}")
    assert not failures, f"{service}: {len(failures)} of {sent} operator ids were not refused:\n" + "\n".join(failures)


@pytest.fixture(scope="module")
def seeded_incident(security_system) -> str:
    """An incident of org-amdh in Mopti: something for an injected filter to wrongly match."""
    with security_system.client("intake", "monitor", org="org-amdh") as client:
        response = client.post("/incidents", json={"occurred_on": "2024-03-02", "region": "mopti",
                                                   "violation_types": ["killings"]})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_injected_region_filter_does_not_return_a_seeded_incident(security_system, seeded_incident):
    with security_system.client("intake", "monitor", org="org-amdh") as client:
        matched = client.get("/incidents", params={"region": "mopti", "limit": 200}).json()["items"]
        assert seeded_incident in [item["id"] for item in matched], "control: the plain filter finds the incident"
        for value in injection.QUERY_VALUES:
            response = client.get("/incidents", params={"region": value, "limit": 200})
            assert _is_4xx(response.status_code) or seeded_incident not in [
                item["id"] for item in response.json()["items"]], f"region={value} matched the seeded incident"


@pytest.mark.parametrize("service", access.SERVICES)
@pytest.mark.parametrize("shape", ["arrays", "objects"])
def test_deeply_nested_json_is_refused_with_4xx_even_before_authentication(security_system, live_documents,
                                                                            service, shape):
    """A 10 KB body nested 5,000 deep must be bad input (4xx), not a 500 and a traceback per request."""
    document = live_documents[service]
    route = next((r for r in access.routes_of(service, document) if r.method in WRITE_METHODS
                  and "application/json" in document["paths"][r.path][r.method].get("requestBody", {})
                  .get("content", {})), None)
    if route is None:
        route = next(r for r in access.routes_of(service, document) if r.method in WRITE_METHODS)
    depth = 5000
    body = "[" * depth + "]" * depth if shape == "arrays" else '{"a":' * depth + "1" + "}" * depth
    # Anonymous on purpose: the input guard runs before authentication, so anyone can send this.
    response = httpx.post(security_system.url(service) + access.concrete_path(route, document), content=body,
                          headers={"Content-Type": "application/json"}, timeout=20.0)
    assert _is_4xx(response.status_code), f"{route.key}: {response.status_code} {response.text[:150]}"
